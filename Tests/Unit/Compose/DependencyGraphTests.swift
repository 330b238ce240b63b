import MiniCompose
import Testing

@Suite struct DependencyGraphTests {
    @Test func diamondStartsInThreeLevelsAndStopsInReverse() throws {
        let graph = try DependencyGraph(dependencies: ["a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": ["d"]])
        #expect(graph.levels == [["a"], ["b", "c"], ["d"], ["e"]])
        #expect(graph.startOrder == ["a", "b", "c", "d", "e"])
        #expect(graph.stopOrder == ["e", "d", "c", "b", "a"])
    }

    @Test func independentServicesShareALevelInAlphabeticalOrder() throws {
        let graph = try DependencyGraph(dependencies: ["zeta": [], "alpha": [], "mid": ["zeta"]])
        #expect(graph.levels == [["alpha", "zeta"], ["mid"]])
    }

    @Test func levelIsTheLongestPathNotTheShortest() throws {
        let graph = try DependencyGraph(dependencies: ["a": [], "b": ["a"], "c": ["b"], "d": ["a", "c"]])
        #expect(graph.levels == [["a"], ["b"], ["c"], ["d"]])
    }

    @Test func cycleOfTwoIsReportedWithItsPath() {
        #expect(throws: DependencyGraph.Cycle(path: ["a", "b", "a"])) {
            try DependencyGraph(dependencies: ["a": ["b"], "b": ["a"]])
        }
    }

    @Test func cycleOfThreeBehindAnAcyclicPartIsFound() {
        #expect(throws: DependencyGraph.Cycle(path: ["b", "c", "d", "b"])) {
            try DependencyGraph(dependencies: ["a": ["b"], "b": ["c"], "c": ["d"], "d": ["b"]])
        }
    }

    @Test func selfDependencyIsACycle() {
        #expect(throws: DependencyGraph.Cycle(path: ["a", "a"])) { try DependencyGraph(dependencies: ["a": ["a"]]) }
    }

    @Test func subsetBringsItsTransitiveDependenciesOnly() throws {
        let graph = try DependencyGraph(dependencies: [
            "web": ["api"], "api": ["db", "cache"], "db": [], "cache": [], "worker": ["db"], "unrelated": [],
        ])
        #expect(graph.closure(of: ["web"]) == ["web", "api", "db", "cache"])
        #expect(graph.closure(of: ["worker"]) == ["worker", "db"])
        #expect(graph.dependentClosure(of: ["db"]) == ["db", "api", "web", "worker"])
    }

    @Test func largeChainIsOrderedWithoutRecursionTrouble() throws {
        var dependencies: [String: [String]] = ["s0": []]
        for index in 1..<3000 { dependencies["s\(index)"] = ["s\(index - 1)"] }
        let graph = try DependencyGraph(dependencies: dependencies)
        #expect(graph.levels.count == 3000)
        #expect(graph.levels[2999] == ["s2999"])
    }
}
