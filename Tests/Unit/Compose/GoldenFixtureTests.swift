import Foundation
import MiniCompose
import TestSupport
import Testing

@Suite struct GoldenFixtureTests {
    @Test func thereAreEnoughCasesOfEachKind() {
        #expect(ComposeFixture.all("good").count >= 30)
        #expect(ComposeFixture.all("bad").count >= 30)
    }

    @Test(arguments: ComposeFixture.all("good"))
    func goodFileNormalizesToTheExpectedOutput(_ fixture: ComposeFixture) throws {
        let loader = ComposeLoader(options: fixture.options)
        let project: ComposeProject
        do {
            project = try loader.load()
        } catch {
            Issue.record("\(fixture.name) failed to load:\n\(loader.renderer.render(error.diagnostics))")
            return
        }
        let yaml = fixture.normalize(YAMLEmitter.emit(ProjectRenderer.render(project)))
        let warnings = fixture.normalize(loader.renderer.render(project.warnings))
        #expect(yaml == fixture.expected("expected.yaml", actual: yaml))
        #expect(warnings == (fixture.expected("expected-warnings.txt", actual: warnings) ?? ""))
    }

    @Test(arguments: ComposeFixture.all("bad"))
    func badFileIsRejectedWithTheExpectedMessage(_ fixture: ComposeFixture) throws {
        let loader = ComposeLoader(options: fixture.options)
        var rendered: String
        do {
            let project = try loader.load()
            guard fixture.strict, !project.warnings.isEmpty else {
                Issue.record("\(fixture.name) loaded without an error")
                return
            }
            rendered = loader.renderer.render(project.warnings)
        } catch {
            #expect(!error.errors.isEmpty)
            rendered = loader.renderer.render(error.diagnostics)
        }
        rendered = fixture.normalize(rendered)
        let expected = fixture.expected("expected.txt", actual: rendered)
        #expect(rendered == expected)
        // Every message points at a place: file:line:col, or at least the file.
        #expect(rendered.hasPrefix("<dir>/"))
    }
}
