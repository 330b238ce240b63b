import TestSupport
import Testing

/// Every test on real Podman, one at a time: they share the host network, the image store and two cores.
///
/// Skipped, with the reason on stderr, where Podman cannot be used (not root, or scripts/setup-podman not run);
/// under CI=true they run regardless, so a CI machine without Podman fails instead of passing silently.
@Suite(.serialized, .enabled(if: PodmanHost.shouldRun, Comment(rawValue: PodmanHost.skipComment)))
struct PodmanTests {}
