import Foundation
import GRDB
@testable import ReaderServer
import Testing

/// `reader-server users password`: what it reads, what it refuses, what it stores.
@Suite struct GReaderPasswordTests {
    static func read(_ bytes: [UInt8]) throws -> String {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(bytes))
        try pipe.fileHandleForWriting.close()
        return try GReaderPasswordInput.read(from: pipe.fileHandleForReading)
    }

    @Test func readsTheFirstLineAndRefusesEmptyLongAndNonUTF8Input() throws {
        #expect(try Self.read(Array("tide & salt, 100% sure\nnext line".utf8)) == "tide & salt, 100% sure")
        #expect(try Self.read(Array("crlf\r\n".utf8)) == "crlf")
        #expect(try Self.read(Array("no newline".utf8)) == "no newline")
        let longest = String(repeating: "p", count: GReaderPasswordInput.maxBytes)
        #expect(try Self.read(Array((longest + "\r\n").utf8)) == longest)
        for bad in [[], Array("\n".utf8), Array("\r\n".utf8), Array((longest + "p\n").utf8), [0xFF, 0xFE, 0x0A]] as [[UInt8]] {
            #expect(throws: RepositoryError.self) { try Self.read(bad) }
        }
    }

    @Test func storesOnlyAScryptHashAndRefusesUnknownUsers() async throws {
        let server = try TestServer()
        let token = try await server.addUser("ada")
        try await server.repository.setAPIPassword("hunter2 hunter2", forUser: "ada")
        let stored = try await server.repository.pool.read { db in
            try String.fetchOne(db, sql: "SELECT greader_password FROM users WHERE name = 'ada'")
        }
        #expect(stored?.hasPrefix("scrypt$15$8$1$") == true)
        #expect(stored?.contains("hunter2") == false)
        #expect(try await server.repository.authenticate(token: token)?.name == "ada", "the bearer token is unchanged")
        await #expect(throws: RepositoryError.self) { try await server.repository.setAPIPassword("x", forUser: "nobody") }
        await #expect(throws: RepositoryError.self) { try await server.repository.setAPIPassword("", forUser: "ada") }
    }
}
