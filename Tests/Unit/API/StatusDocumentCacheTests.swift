import Foundation
import Testing

@testable import MiniCompose

@Suite struct StatusDocumentCacheTests {
    private func snapshot(id: String = "a", state: ServiceState = .starting) -> InstanceSnapshot {
        var record = ServiceRecord(service: "web", container: "p-\(id)-web", ports: [])
        record.move(to: state)
        return InstanceSnapshot(
            id: id, project: "p", runtime: "apptainer", hostIP: "127.0.0.1", phase: "running", services: [record])
    }

    private func state(in json: [UInt8]) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
        return (object?["services"] as? [[String: Any]])?.first?["state"] as? String
    }

    @Test func anUnchangedSnapshotGetsTheSameDocumentAndAChangedOneANewDocument() {
        let cache = StatusDocumentCache()
        let starting = snapshot()
        #expect(state(in: cache.json(for: starting)) == "STARTING")
        #expect(cache.json(for: starting) == cache.json(for: starting))
        var healthy = starting
        healthy.services[0].move(to: .healthy)
        #expect(state(in: cache.json(for: healthy)) == "HEALTHY", "a change is never answered from the cache")
        #expect(cache.json(for: healthy).last == 10, "the document ends with a newline")
    }

    @Test func documentsOfDifferentInstancesAreKeptApartAndTheCacheStaysBounded() {
        let cache = StatusDocumentCache(capacity: 2)
        for id in ["a", "b", "c", "d"] {
            let json = cache.json(for: snapshot(id: id, state: id == "c" ? .healthy : .starting))
            let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
            #expect(object?["id"] as? String == id)
        }
        #expect(state(in: cache.json(for: snapshot(id: "c", state: .healthy))) == "HEALTHY")
        #expect(state(in: cache.json(for: snapshot(id: "a"))) == "STARTING")
    }
}
