import PostgresNIO

extension PostgresConnection {
    /// Runs a statement that returns rows for its effect alone (a lock), reading its rows to
    /// the end.
    ///
    /// postgres-nio hands a statement's rows back as soon as their description arrives, which
    /// is before the statement has run. A failure while it runs, such as a lock wait that
    /// ends as a deadlock's victim (40P01), reaches only a reader of those rows; unread, it
    /// shows on the transaction's next statement as 25P02 ("current transaction is
    /// aborted"), and the cause is lost, so a caller cannot tell a deadlock to run again.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}
