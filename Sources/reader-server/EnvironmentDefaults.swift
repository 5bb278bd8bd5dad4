import ArgumentParser

/// Options from environment variables, as container deployments set them: each option of
/// a subcommand can come from `READER_SERVER_` and its long name in capitals with `_` for
/// `-` (`--db` from READER_SERVER_DB, `--refresh-interval` from
/// READER_SERVER_REFRESH_INTERVAL). An option given on the command line wins over its
/// variable. swift-argument-parser reads no environment, so the variables become
/// arguments before it parses.
enum EnvironmentDefaults {
    /// The options each subcommand takes from the environment, by its path.
    static let options: [[String]: [String]] = {
        let database = ["db", "database"]
        let fetching = database + ["allow-private-networks"]
        return [
            ["serve"]: fetching + [
                "host", "port", "tombstone-days", "refresh-interval", "keep-days", "keep-per-feed", "header-timeout",
                "body-timeout", "idle-timeout", "max-connections", "log-level", "metrics",
            ],
            ["users", "add"]: database, ["users", "list"]: database, ["users", "password"]: database,
            ["users", "rm"]: database, ["articles", "import"]: database,
            ["feeds", "add"]: fetching, ["feeds", "list"]: database, ["feeds", "refresh"]: fetching,
            ["feeds", "rm"]: database,
        ]
    }()

    /// Options that take no value: the variable turns them on (1, true, yes, on) or leaves
    /// them off (0, false, no, off, empty).
    static let flags: Set<String> = ["allow-private-networks"]

    /// The variable that sets `option` (its long name without the dashes).
    static func variable(for option: String) -> String {
        "READER_SERVER_" + option.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// `arguments` (without the program's name) with each variable of the subcommand they
    /// name that is set, and whose option they lack, added right after the subcommand's
    /// name.
    ///
    /// - Throws: `ValidationError` for a flag's variable that is neither on nor off.
    static func apply(to arguments: [String], environment: [String: String]) throws -> [String] {
        let path = Array(arguments.prefix { !$0.hasPrefix("-") }.prefix(2))
        guard let depth = (1...2).last(where: { $0 <= path.count && options[Array(path.prefix($0))] != nil }),
              let names = options[Array(path.prefix(depth))]
        else { return arguments }
        // Only what comes before `--` is an option.
        let given = arguments.prefix { $0 != "--" }
        var added: [String] = []
        for name in names {
            guard let value = environment[variable(for: name)],
                  !given.contains(where: { $0 == "--\(name)" || $0.hasPrefix("--\(name)=") })
            else { continue }
            if flags.contains(name) {
                switch value.lowercased() {
                case "1", "true", "yes", "on": added.append("--\(name)")
                case "0", "false", "no", "off", "": break
                default: throw ValidationError("\(variable(for: name)) must be 1 or 0 (true or false), not \(value)")
                }
            } else {
                added.append("--\(name)=\(value)")
            }
        }
        return Array(arguments.prefix(depth)) + added + arguments.dropFirst(depth)
    }
}
