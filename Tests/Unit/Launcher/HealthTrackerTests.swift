import Testing

@testable import MiniCompose

@Suite struct HealthTrackerTests {
    private func check(retries: Int = 3, startPeriod: Double = 0) -> Healthcheck {
        Healthcheck(
            test: .command(["true"]), interval: .seconds(1), timeout: .seconds(1), retries: retries,
            startPeriod: .seconds(startPeriod), startInterval: .milliseconds(200))
    }

    @Test func firstProbeWaitsOneIntervalOrOneStartIntervalDuringTheStartPeriod() {
        #expect(HealthTracker(check: check()).nextDelay(elapsed: .zero) == .seconds(1))
        #expect(HealthTracker(check: check(startPeriod: 5)).nextDelay(elapsed: .zero) == .milliseconds(200))
        #expect(HealthTracker(check: check(startPeriod: 5)).nextDelay(elapsed: .seconds(6)) == .seconds(1))
    }

    @Test func retriesFailuresInARowMakeItUnhealthyAndOneSuccessHealsIt() {
        var tracker = HealthTracker(check: check(retries: 3))
        #expect(tracker.record(passed: false, elapsed: .seconds(1)) == nil)
        #expect(tracker.record(passed: false, elapsed: .seconds(2)) == nil)
        #expect(tracker.record(passed: false, elapsed: .seconds(3)) == .unhealthy)
        #expect(tracker.record(passed: true, elapsed: .seconds(4)) == .healthy)
        #expect(tracker.record(passed: false, elapsed: .seconds(5)) == nil)
        #expect(tracker.status == .healthy)
    }

    @Test func failuresInsideTheStartPeriodDoNotCount() {
        var tracker = HealthTracker(check: check(retries: 1, startPeriod: 10))
        for second in 1...9 { #expect(tracker.record(passed: false, elapsed: .seconds(second)) == nil) }
        #expect(tracker.status == .starting)
        #expect(tracker.record(passed: false, elapsed: .seconds(11)) == .unhealthy)
    }

    @Test func successDuringTheStartPeriodEndsIt() {
        var tracker = HealthTracker(check: check(retries: 1, startPeriod: 10))
        #expect(tracker.record(passed: true, elapsed: .seconds(1)) == .healthy)
        #expect(tracker.nextDelay(elapsed: .seconds(2)) == .seconds(1))
        #expect(tracker.record(passed: false, elapsed: .seconds(3)) == .unhealthy)
    }

    @Test func zeroRetriesMeansDockersDefaultOfThree() {
        var tracker = HealthTracker(check: check(retries: 0))
        #expect(tracker.record(passed: false, elapsed: .seconds(1)) == nil)
        #expect(tracker.record(passed: false, elapsed: .seconds(2)) == nil)
        #expect(tracker.record(passed: false, elapsed: .seconds(3)) == .unhealthy)
    }
}

@Suite struct DependencyConditionTests {
    @Test func startedHoldsOnceTheContainerStartedWhateverItsHealth() {
        for state in [ServiceState.starting, .running, .healthy, .unhealthy, .exited(0)] {
            #expect(ConditionCheck.evaluate(.started, state: state, everStarted: true) == .satisfied)
        }
        #expect(ConditionCheck.evaluate(.started, state: .created, everStarted: false) == .waiting)
        #expect(ConditionCheck.evaluate(.started, state: .starting, everStarted: false) == .waiting)
    }

    @Test func healthyWaitsThroughStartingAndFailsOnUnhealthyOrExit() {
        #expect(ConditionCheck.evaluate(.healthy, state: .starting, everStarted: true) == .waiting)
        #expect(ConditionCheck.evaluate(.healthy, state: .healthy, everStarted: true) == .satisfied)
        #expect(ConditionCheck.evaluate(.healthy, state: .unhealthy, everStarted: true) == .failed("is unhealthy"))
        #expect(ConditionCheck.evaluate(.healthy, state: .exited(3), everStarted: true) != .waiting)
        #expect(ConditionCheck.evaluate(.healthy, state: .running, everStarted: true) != .waiting)
    }

    @Test func completedSuccessfullyNeedsExitCodeZero() {
        #expect(ConditionCheck.evaluate(.completedSuccessfully, state: .running, everStarted: true) == .waiting)
        #expect(ConditionCheck.evaluate(.completedSuccessfully, state: .exited(0), everStarted: true) == .satisfied)
        #expect(
            ConditionCheck.evaluate(.completedSuccessfully, state: .exited(2), everStarted: true)
                == .failed("exited with code 2"))
    }

    @Test func aFailedDependencyFailsEveryCondition() {
        for condition in ServiceDependency.Condition.allCases {
            #expect(ConditionCheck.evaluate(condition, state: .failed("no image"), everStarted: false) != .waiting)
        }
    }
}

@Suite struct RestartPolicyTests {
    @Test func policiesDecideAsDockerDoes() {
        #expect(!Instance.shouldRestart(.no, code: 1, restarts: 0))
        #expect(Instance.shouldRestart(.always, code: 0, restarts: 10))
        #expect(Instance.shouldRestart(.unlessStopped, code: 0, restarts: 0))
        #expect(!Instance.shouldRestart(.onFailure(maxRetries: nil), code: 0, restarts: 0))
        #expect(Instance.shouldRestart(.onFailure(maxRetries: nil), code: 1, restarts: 100))
        #expect(Instance.shouldRestart(.onFailure(maxRetries: 2), code: 1, restarts: 1))
        #expect(!Instance.shouldRestart(.onFailure(maxRetries: 2), code: 1, restarts: 2))
        #expect(Instance.shouldRestart(.onFailure(maxRetries: 2), code: nil, restarts: 0))
    }
}
