import ArgumentParser

/// Where the server may fetch feeds from, shared by `serve` and the `feeds` subcommands
/// that fetch.
struct FetchOptions: ParsableArguments {
    @Flag(
        name: .customLong("allow-private-networks"),
        help: """
            Fetch feeds from loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local \
            and other non-public addresses too, e.g. on a home network. Off by default, so the \
            URLs users subscribe to cannot reach the server's own machine or network. \
            Env: READER_SERVER_ALLOW_PRIVATE_NETWORKS=1.
            """
    )
    var allowPrivateNetworks = false
}
