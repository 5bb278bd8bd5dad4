import Foundation
@testable import ReaderServer
import Testing

/// The library says what is wrong; advice naming reader-server's subcommands and options is
/// the command line's to add.
@Suite struct RepositoryErrorTests {
    @Test func libraryFailuresNameTheirSubjectWithoutCommandLineAdvice() async throws {
        let server = try TestServer()
        _ = try await server.addUser("ada")
        let noUser = await #expect(throws: RepositoryError.self) { try await server.repository.importFile(at: "/nonexistent", for: []) }
        #expect(noUser?.subject == .importWithoutUser)
        let nobody = await #expect(throws: RepositoryError.self) {
            try await server.repository.importFile(at: "/nonexistent", for: ["nobody"])
        }
        #expect(nobody == RepositoryError.unknownUser("nobody"))
        let unsubscribed = await #expect(throws: RepositoryError.self) {
            try await server.repository.unsubscribe(user: "ada", from: "https://example.com/feed.xml")
        }
        #expect(unsubscribed?.subject == .notSubscribed(user: "ada", url: "https://example.com/feed.xml"))
        for error in [noUser, nobody, unsubscribed].compactMap(\.self) {
            #expect(!error.message.contains("reader-server") && !error.message.contains("--"), "\(error.message)")
        }
    }
}
