import ArgumentParser
import ReaderStore

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show or set how long this device keeps articles.",
        discussion: """
            With no option, shows the policy. Each option sets one knob and keeps the others. \
            Starred, tagged and annotated articles, and those with changes not yet synced, are \
            never pruned; a pruned article's read state is kept, so it never comes back unread. \
            Pruning runs after each refresh and sync, and on `reader prune`; it is local to this \
            device and never deletes anything on the server. Default: read articles go 60 \
            days after they arrived, unread ones after 180, with no per-feed cap.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Prune read articles that arrived more than N days ago (0: every read article).", valueName: "n"))
    var readDays: Int?

    @Option(name: .long, help: ArgumentHelp("Prune unread articles that arrived more than N days ago.", valueName: "n"))
    var unreadDays: Int?

    @Option(name: .long, help: ArgumentHelp("Keep at most N articles of each feed, the newest.", valueName: "n"))
    var perFeed: Int?

    @Flag(name: .long, help: "Keep everything: turn every knob off.")
    var off = false

    @Flag(name: .long, help: "Go back to the default policy.")
    var `default` = false

    func validate() throws {
        let knobs = readDays != nil || unreadDays != nil || perFeed != nil
        if off && (knobs || `default`) { throw ValidationError("--off cannot be combined with other options") }
        if `default` && knobs { throw ValidationError("--default cannot be combined with other options") }
        for (name, value) in [("--read-days", readDays), ("--unread-days", unreadDays), ("--per-feed", perFeed)] {
            if let value, !(0...RetentionPolicy.maxValue).contains(value) {
                throw ValidationError("\(name) must be between 0 and \(RetentionPolicy.maxValue)")
            }
        }
    }

    func run() throws {
        let store = try store.open()
        if off {
            try store.setRetentionPolicy(.off)
        } else if `default` {
            try store.setRetentionPolicy(nil)
        } else if readDays != nil || unreadDays != nil || perFeed != nil {
            var policy = try store.retentionPolicy()
            if let readDays { policy.readDays = readDays }
            if let unreadDays { policy.unreadDays = unreadDays }
            if let perFeed { policy.perFeed = perFeed }
            try store.setRetentionPolicy(policy)
        }
        let policy = try store.retentionPolicy()
        let chosen = try store.hasChosenRetentionPolicy()
        if output.json {
            return try Output.json(Shown(
                readDays: policy.readDays, unreadDays: policy.unreadDays, perFeed: policy.perFeed, isDefault: !chosen,
                keptStateDays: RetentionPolicy.keptStateDays
            ))
        }
        func days(_ value: Int?) -> String {
            guard let value else { return "kept" }
            return value == 0 ? "pruned at once" : "pruned after \(value) day\(value == 1 ? "" : "s")"
        }
        print("read articles:   " + days(policy.readDays))
        print("unread articles: " + days(policy.unreadDays))
        print("per feed:        " + (policy.perFeed.map { "at most \($0), the newest" } ?? "no cap"))
        print("policy:          " + (chosen ? (policy.isOff ? "off" : "set here") : "the default"))
    }

    /// The policy with every knob present (null when off).
    struct Shown: Encodable {
        var readDays: Int?
        var unreadDays: Int?
        var perFeed: Int?
        var isDefault: Bool
        var keptStateDays: Int

        enum CodingKeys: String, CodingKey {
            case readDays = "read_days", unreadDays = "unread_days", perFeed = "per_feed", isDefault = "default"
            case keptStateDays = "kept_state_days"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(readDays, forKey: .readDays)
            try container.encode(unreadDays, forKey: .unreadDays)
            try container.encode(perFeed, forKey: .perFeed)
            try container.encode(isDefault, forKey: .isDefault)
            try container.encode(keptStateDays, forKey: .keptStateDays)
        }
    }
}
