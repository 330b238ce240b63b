import Foundation
import TestSupport
import Testing

@Suite struct BuildProductsTests {
    @Test func miniComposeBinaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: BuildProducts.path("mini-compose")))
    }
}
