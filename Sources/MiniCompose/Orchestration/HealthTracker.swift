/// Docker's health-check rules as a value: when the next probe is due and what a probe's result does.
///
/// The first probe comes one interval after the start (one start interval while the start period lasts);
/// failures inside the start period do not count; `retries` failures in a row make the service unhealthy;
/// one success makes it healthy and ends the start period.
struct HealthTracker: Sendable {
    enum Status: Sendable, Equatable {
        case starting, healthy, unhealthy
    }

    let check: Healthcheck
    private(set) var status: Status = .starting
    private(set) var consecutiveFailures = 0
    private var startPeriodOver = false

    init(check: Healthcheck) { self.check = check }

    /// A tracker resuming a service already known healthy or unhealthy (after adoption): its start period is over.
    init(check: Healthcheck, resuming status: Status) {
        self.check = check
        self.status = status
        startPeriodOver = status != .starting
    }

    /// Docker treats `retries: 0` as "the default", three.
    var retries: Int { check.retries > 0 ? check.retries : Healthcheck.defaultRetries }

    func inStartPeriod(elapsed: Duration) -> Bool {
        !startPeriodOver && elapsed < check.startPeriod.swiftDuration
    }

    /// The wait before the next probe, given the time since the container started.
    func nextDelay(elapsed: Duration) -> Duration {
        inStartPeriod(elapsed: elapsed) ? check.startInterval.swiftDuration : check.interval.swiftDuration
    }

    /// Applies a probe result observed `elapsed` after the start; returns the new status when it changed.
    mutating func record(passed: Bool, elapsed: Duration) -> Status? {
        let before = status
        if passed {
            consecutiveFailures = 0
            startPeriodOver = true
            status = .healthy
        } else if !inStartPeriod(elapsed: elapsed) {
            consecutiveFailures += 1
            if consecutiveFailures >= retries { status = .unhealthy }
        }
        return status == before ? nil : status
    }
}
