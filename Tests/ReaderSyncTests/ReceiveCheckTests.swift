import Foundation
import LoopbackHTTP
import ReaderCurl
import ReaderHTTP
import ReaderModels
import ReaderStore
import ReaderSync
import Testing

/// The client checks what it receives against the contract's rules before storing any of
/// it: a server that breaks them is a protocol error, and nothing of its page is kept.
@Suite struct ReceiveCheckTests {
    static func page(noteID: String, body: String) -> [UInt8] {
        let stamp = "0001764000000000-0000-server"
        let note = #"{"id":"\#(noteID)","article_id":"0123456789abcdef","body":"\#(body)","created_at":"2026-11-24T10:00:00.000Z","updated_at":"2026-11-24T10:00:00.000Z","revision":1,"conflicted":false,"body_hlc":"\#(stamp)"}"#
        let change = #"{"seq":1,"entity":"note","id":"\#(noteID)","deleted":false,"record":\#(note)}"#
        return Array(#"{"changes":[\#(change)],"has_more":false,"next_cursor":"1","server_hlc":"\#(stamp)"}"#.utf8)
    }

    static func sync(against routes: [String: RoutedServer.Route]) async throws -> (SyncError?, ReaderStore) {
        let server = try RoutedServer(routes)
        defer { server.server.stop() }
        let folder = try TestFolder.make("receive")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let engine = SyncEngine(store: store, client: try CurlHTTPClient(), configuration: SyncConfiguration(
            serverURL: server.url("/"), token: "t", retry: RetryPolicy(maxAttempts: 1)
        ))
        do {
            try await engine.sync()
            return (nil, store)
        } catch {
            return (error, store)
        }
    }

    @Test func aPageWithANULInANoteIDOrATextOverItsLimitIsRefusedWhole() async throws {
        let long = String(repeating: "b", count: WireLimits.maxNoteBodyBytes + 1)
        for body in [Self.page(noteID: "keep\\u0000cut", body: "x"), Self.page(noteID: "n1", body: long)] {
            let (error, store) = try await Self.sync(against: ["/v1/changes": .body(body, contentType: "application/json")])
            guard case .protocolViolation(let message)? = error else {
                Issue.record("expected a protocol violation, got \(String(describing: error))")
                continue
            }
            #expect(message.contains("breaks the contract"))
            #expect(try store.notes().isEmpty)
            #expect(try store.syncSettings().cursor == nil, "the cursor did not move")
        }
    }

    @Test func aWellFormedPageIsApplied() async throws {
        let (error, store) = try await Self.sync(against: ["/v1/changes": .body(Self.page(noteID: "n1", body: "x"), contentType: "application/json")])
        #expect(error == nil)
        #expect(try store.syncSettings().cursor == "1")
    }

    @Test func anAnswerLongerThanTheLargestLegalPageIsRefused() async throws {
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: WireLimits.maxChangePageBytes + 1)
        let (error, _) = try await Self.sync(against: ["/v1/changes": .body(huge, contentType: "application/json")])
        guard case .network(let http)? = error, case .tooLarge = http else {
            Issue.record("expected too large, got \(String(describing: error))")
            return
        }
    }
}
