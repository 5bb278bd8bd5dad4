/// Lets at most `permits` change pages be built at once; the rest wait in order. A page
/// being built holds its records, its JSON and its gzip output, so without a gate the
/// server's memory would grow with the number of clients pulling at the same moment.
actor PageGate {
    private let permits: Int
    private var inUse = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        self.permits = max(permits, 1)
    }

    /// Runs `body` once a permit is free, and frees it after, whatever happens.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if inUse < permits {
            inUse += 1
            return
        }
        // The permit passes straight from the releasing task to this one: inUse stays put.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
