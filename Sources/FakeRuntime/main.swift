import SystemKit

print("FakeRuntime")
