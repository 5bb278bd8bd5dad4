import Foundation
import GRDB
import LoopbackHTTP
import ReaderCurl
import ReaderStore
import ReaderSync
import Testing

/// The stored sync API, public, and the engine an app builds from it as the CLI does.
@Suite struct GReaderStoredAPITests {
    static func plant(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA ignore_check_constraints = ON; " + sql) }
        try queue.close()
    }

    @Test func anAppBuildsAGReaderEngineFromAStoredLogin() async throws {
        let service = try GReaderFakeService(.freshRSS)
        GReaderSyncTests.seed(service, count: 3)
        let folder = try TestFolder.make("greader-stored")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReaderStore(path: folder.appendingPathComponent("device.sqlite").path)
        let http = try CurlHTTPClient()
        await #expect(throws: SyncError.notConfigured) { _ = try await SyncEngine.stored(store: store, client: http) }

        // What `reader login --api greader` stores, done by an app.
        let auth = try await GReaderSyncBackend.login(serverURL: service.baseURL, user: "alice", password: "correct horse", client: http)
        try store.saveServer(url: service.baseURL, token: auth)
        try store.saveSyncAPI(.greader, headers: ["AppId": "app-1"])
        #expect(try store.syncAPI() == SyncAPISettings(api: .greader, headers: ["AppId": "app-1"]))
        #expect(try await store.async.syncAPI().api == .greader)

        service.core.update { $0.appIDs = [] } // the login above sent none
        let engine = try await SyncEngine.stored(store: store, client: http) { $0.pageSize = 2 }
        try await engine.sync()
        #expect(try store.status().articles == 3)
        #expect(service.core.state.withLock { $0.appIDs } == ["app-1"])
    }

    @Test func anUnreadableStoredAPIThrowsUnknownStoredValue() async throws {
        let folder = try TestFolder.make("greader-stored")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("device.sqlite").path
        _ = try ReaderStore(path: path)
        try Self.plant(path, "UPDATE sync_state SET api = 'rss9', server_url = 'http://127.0.0.1:9', token = 't' WHERE id = 1")
        let store = try ReaderStore(path: path)
        #expect(throws: StoreError.unknownStoredValue(table: "sync_state", column: "api", value: "rss9")) { try store.syncAPI() }
        await #expect(throws: SyncError.store(.unknownStoredValue(table: "sync_state", column: "api", value: "rss9"))) {
            _ = try await SyncEngine.stored(store: store, client: try CurlHTTPClient())
        }

        try Self.plant(path, "UPDATE sync_state SET api = 'greader', api_headers = 'not json' WHERE id = 1")
        #expect(throws: StoreError.unknownStoredValue(table: "sync_state", column: "api_headers", value: "not json")) {
            try ReaderStore(path: path).syncAPI()
        }
    }
}
