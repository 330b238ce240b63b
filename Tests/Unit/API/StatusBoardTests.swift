import Foundation
import Synchronization
import Testing

@testable import MiniCompose

@Suite struct StatusBoardTests {
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

    @Test func aStatusIsRenderedOncePerChangeAndAChangeIsNeverAnsweredFromTheOldRendering() {
        let starting = snapshot()
        let slot = StatusSlot(starting)
        let renders = Atomic<Int>(0)
        let render = { (snapshot: InstanceSnapshot) -> [UInt8] in
            renders.add(1, ordering: .relaxed)
            return SnapshotJSON.document(snapshot)
        }
        #expect(state(in: slot.rendering(render)) == "STARTING")
        #expect(slot.rendering(render) == slot.rendering(render))
        #expect(renders.load(ordering: .relaxed) == 1)
        slot.publish(starting)
        #expect(state(in: slot.rendering(render)) == "STARTING")
        #expect(renders.load(ordering: .relaxed) == 1, "publishing an equal status keeps the rendering")

        var healthy = starting
        healthy.services[0].move(to: .healthy)
        slot.publish(healthy)
        #expect(slot.snapshot == healthy)
        let json = slot.rendering(render)
        #expect(state(in: json) == "HEALTHY")
        #expect(json.last == 10, "the document ends with a newline")
        #expect(renders.load(ordering: .relaxed) == 2)
    }

    @Test func aRenderingOfAStatusReplacedMeanwhileIsNotKept() {
        let slot = StatusSlot(snapshot())
        let stale = slot.rendering { old in
            // The instance publishes while this request renders the older status.
            slot.publish(snapshot(state: .unhealthy))
            return SnapshotJSON.document(old)
        }
        #expect(state(in: stale) == "STARTING")
        #expect(state(in: slot.rendering(SnapshotJSON.document)) == "UNHEALTHY")
    }

    @Test func theBoardListsItsSlotsByIdAndForgetsRemovedOnes() {
        let board = StatusBoard()
        let slots = ["b": StatusSlot(snapshot(id: "b")), "a": StatusSlot(snapshot(id: "a"))]
        board.replace(slots)
        #expect(board.all.map(\.snapshot.id) == ["a", "b"])
        #expect(board.slot("b")?.snapshot.id == "b")
        board.replace(["a": slots["a"]!])
        #expect(board.slot("b") == nil)
        #expect(board.all.map(\.snapshot.id) == ["a"])
    }
}
