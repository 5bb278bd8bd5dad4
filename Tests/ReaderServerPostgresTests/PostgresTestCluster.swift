// The cluster support is shared with the sync and server suites, which run on PostgreSQL
// too (Tests/PostgresSupport); every file of this target sees it without an import.
@_exported import PostgresSupport
