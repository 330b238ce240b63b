import CMicroHTTPD
import Foundation

// libmicrohttpd calls plain C functions; each forwards to the ServerCore passed as its context pointer.

let serverAccess: MHD_AccessHandlerCallback = { cls, connection, url, method, _, upload, uploadSize, context in
    guard let cls, let connection, let url, let method, let uploadSize, let context else { return .NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    return core.access(
        connection: connection, url: url, method: method, upload: upload, uploadSize: uploadSize, context: context)
}

let serverRequestCompleted: MHD_RequestCompletedCallback = { cls, _, context, _ in
    guard let cls, let context else { return }
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().requestCompleted(context)
}

/// Leaves the path and query undecoded, so routing splits segments before decoding them.
let serverKeepEscaped: mc_mhd_unescape_callback = { _, _, text in
    guard let text else { return 0 }
    return strlen(text)
}

let serverLibraryLog: MHD_LogCallback = { cls, format, arguments in
    guard let cls, let format, let arguments else { return }
    var buffer = [CChar](repeating: 0, count: 512)
    _ = vsnprintf(&buffer, buffer.count, format, arguments)
    let length = buffer.firstIndex(of: 0) ?? buffer.count
    let message = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().libraryLog(message)
}

let serverCollectHeader: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let headers = cls.assumingMemoryBound(to: HTTPHeaders.self)
    headers.pointee.add(String(cString: key), value.map { String(cString: $0) } ?? "")
    return .YES
}

let serverCollectPair: MHD_KeyValueIterator = { cls, _, key, value in
    guard let cls, let key else { return .YES }
    let pairs = cls.assumingMemoryBound(to: [(String, String)].self)
    pairs.pointee.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}
