import Testing

@testable import MiniCompose

@Suite struct SharedListingTests {
    /// Listings that start when asked and end when released, numbered in the order they started.
    actor Listings {
        private(set) var started = 0
        private var releases: [CheckedContinuation<Void, Never>] = []
        private var startWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        func list() async -> Int {
            started += 1
            let number = started
            for waiter in startWaiters where waiter.count <= started { waiter.continuation.resume() }
            startWaiters.removeAll { $0.count <= started }
            await withCheckedContinuation { releases.append($0) }
            return number
        }

        func waitForStarts(_ count: Int) async {
            if started >= count { return }
            await withCheckedContinuation { startWaiters.append((count, $0)) }
        }

        func releaseAll() {
            for release in releases { release.resume() }
            releases = []
        }
    }

    @Test func callersAskingDuringAListingShareOneListingThatBeginsAfterTheyAsked() async throws {
        let shared = SharedListing<Int>()
        let listings = Listings()
        let first = Task { try await shared.run(key: "k") { await listings.list() } }
        await listings.waitForStarts(1)
        let later = (0..<5).map { _ in Task { try await shared.run(key: "k") { await listings.list() } } }
        for _ in 0..<10_000 where await shared.waitingForNext("k") < 5 { await Task.yield() }
        #expect(await shared.waitingForNext("k") == 5)
        await listings.releaseAll()
        #expect(try await first.value == 1)
        await listings.waitForStarts(2)
        await listings.releaseAll()
        for task in later { #expect(try await task.value == 2, "a listing that began before the caller asked") }
        #expect(await listings.started == 2)
    }

    @Test func differentKeysDoNotShare() async throws {
        let shared = SharedListing<Int>()
        let listings = Listings()
        let one = Task { try await shared.run(key: "a") { await listings.list() } }
        let other = Task { try await shared.run(key: "b") { await listings.list() } }
        await listings.waitForStarts(2)
        await listings.releaseAll()
        #expect(Set([try await one.value, try await other.value]) == [1, 2])
    }
}
