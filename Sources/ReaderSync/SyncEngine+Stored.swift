import Foundation
import ReaderHTTP
import ReaderStore

extension SyncEngine {
    /// An engine for `configuration` that speaks `api`: the native `/v1` protocol, or the
    /// Google Reader API through a ``GReaderSyncBackend`` with `api.headers` on every request.
    public static func make(
        store: ReaderStore, client: any HTTPClient, configuration: SyncConfiguration, api: SyncAPISettings
    ) -> SyncEngine {
        switch api.api {
        case .native:
            return SyncEngine(store: store, client: client, configuration: configuration)
        case .greader:
            let backend = GReaderSyncBackend(store: store, client: client, configuration: configuration, extraHeaders: api.headers)
            return SyncEngine(store: store, backend: backend, pushBatchSize: configuration.pushBatchSize, pageSize: configuration.pageSize)
        }
    }

    /// An engine for the server, token and protocol stored in `store` (by `reader login`,
    /// or by an app that called `saveServer(url:token:)` and `ReaderStore.saveSyncAPI(_:headers:)`),
    /// so an app syncs a database the CLI logged in, GReader or native, as the CLI does.
    ///
    /// `configure` may adjust the configuration built from the stored URL and token (page
    /// size, retry policy, timeouts). Throws ``SyncError/notConfigured`` when no server or
    /// token is stored, and ``SyncError/store(_:)`` when the stored settings cannot be read.
    public static func stored(
        store: ReaderStore, client: any HTTPClient, configure: (inout SyncConfiguration) -> Void = { _ in }
    ) async throws(SyncError) -> SyncEngine {
        let settings: SyncSettings, api: SyncAPISettings
        do {
            settings = try await store.async.syncSettings()
            api = try await store.async.syncAPI()
        } catch {
            throw .wrap(error)
        }
        guard let url = settings.serverURL, let token = settings.token else { throw .notConfigured }
        var configuration = SyncConfiguration(serverURL: url, token: token)
        configure(&configuration)
        return make(store: store, client: client, configuration: configuration, api: api)
    }
}
