extension PushRequest {
    /// What makes the request itself break `Schemas/json/push-request.schema.json`, before
    /// any mutation is applied: a client or mutation id outside `WireText.isID`, a negative
    /// base revision, a field the schema does not have or of the wrong type. The server
    /// answers 400 to it. (Limits and the rules that depend on the entity are checked per
    /// mutation by `WireMutation.check()`, so one bad mutation does not hold up the rest.)
    package var envelopeProblem: String? {
        guard WireText.isID(clientID) else {
            return "client_id must be 1 to \(WireLimits.maxIDBytes) letters, digits or -_.:~"
        }
        for (index, mutation) in mutations.enumerated() {
            guard WireText.isID(mutation.id) else {
                return "mutations[\(index)].id must be 1 to \(WireLimits.maxIDBytes) letters, digits or -_.:~"
            }
            if let baseRevision = mutation.baseRevision, baseRevision < 0 || baseRevision > WireLimits.maxRevision {
                return "mutations[\(index)].base_revision must be from 0 to \(WireLimits.maxRevision)"
            }
            for (name, value) in mutation.fields.sorted(by: { $0.key < $1.key }) {
                if let problem = WireMutation.shapeProblem(name, value) {
                    return "mutations[\(index)].fields.\(name) \(problem)"
                }
            }
        }
        return nil
    }
}

extension WireMutation {
    /// Checks every field against the contract (`Schemas/json/mutation.schema.json` and
    /// `WireLimits`) without looking anything up. A failure rejects this mutation alone:
    /// `too_long` for text, ids or lists over their limit, `invalid_mutation` for the rest.
    package func check() throws(Resolver.Rejection) {
        try checkEntity()
        if let baseRevision, baseRevision < 0 {
            throw Resolver.Rejection(.invalidMutation, "base_revision must be 0 or more")
        }
        for (name, value) in fields {
            try Self.check(field: name, value, of: entity)
        }
        if entity == .note, op == .create {
            guard fields["article_id"] != nil, fields["body"] != nil else {
                throw Resolver.Rejection(.invalidMutation, "a note create needs article_id and body")
            }
        }
    }

    private func checkEntity() throws(Resolver.Rejection) {
        switch entity {
        case .note:
            guard op != .set else {
                throw Resolver.Rejection(.invalidMutation, "a note is changed by create, update or delete, not set")
            }
            try Self.checkID(entityID, "entity_id", valid: WireText.isID, limit: WireLimits.maxIDBytes, rule: "a note id")
        case .articleState:
            guard op == .set else {
                throw Resolver.Rejection(.invalidMutation, "article state is changed by set, not \(op.rawValue)")
            }
            guard WireText.isArticleID(entityID) else {
                throw Resolver.Rejection(.invalidMutation, "entity_id must be an article id (16 lower-case hex digits)")
            }
        case .subscription:
            guard op == .set else {
                throw Resolver.Rejection(.invalidMutation, "a subscription is changed by set, not \(op.rawValue)")
            }
            try Self.checkID(entityID, "entity_id", valid: WireText.isURL, limit: WireLimits.maxURLBytes, rule: "a feed URL")
            if let problem = WireText.feedURLProblem(entityID) {
                throw Resolver.Rejection(.invalidFeedURL, "entity_id \(problem)")
            }
        }
    }

    private static func checkID(
        _ id: String, _ name: String, valid: (String) -> Bool, limit: Int, rule: String
    ) throws(Resolver.Rejection) {
        if id.utf8.count > limit {
            throw Resolver.Rejection(.tooLong, "\(name) is over \(limit) bytes")
        }
        guard valid(id) else {
            throw Resolver.Rejection(.invalidMutation, "\(name) must be \(rule) without spaces or control characters")
        }
    }

    /// Why a field breaks the schema's shape for it (name, type, pattern, range); nil when it fits.
    static func shapeProblem(_ name: String, _ value: JSONValue) -> String? {
        switch name {
        case "article_id":
            guard let id = value.stringValue, WireText.isArticleID(id) else { return "must be 16 lower-case hex digits" }
        case "created_at":
            guard let text = value.stringValue, text.utf8.count == WireLimits.timestampBytes, isTimestampShape(text) else {
                return "must be an RFC 3339 UTC time such as 2026-11-25T09:30:00.000Z"
            }
        case "body", "title":
            guard value.stringValue != nil else { return "must be a string" }
        case "read", "starred", "subscribed":
            guard value.boolValue != nil else { return "must be true or false" }
        case "progress":
            guard let number = value.numberValue, number >= 0, number <= 1 else { return "must be a number from 0 to 1" }
        case "tags":
            guard value.stringArray != nil else { return "must be an array of strings" }
        case "anchor":
            if value == .null { return nil }
            guard let object = value.objectValue, Set(object.keys) == ["exact", "prefix", "suffix"],
                  let exact = object["exact"]?.stringValue, !exact.isEmpty,
                  object["prefix"]?.stringValue != nil, object["suffix"]?.stringValue != nil
            else { return "must be null or an object of a non-empty exact, a prefix and a suffix" }
        default:
            return "is not a field of any mutation"
        }
        return nil
    }

    /// `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$`, the schema's pattern.
    private static func isTimestampShape(_ text: String) -> Bool {
        let shape = Array("dddd-dd-ddTdd:dd:dd.dddZ".utf8)
        return zip(text.utf8, shape).allSatisfy { byte, expected in
            expected == UInt8(ascii: "d") ? (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) : byte == expected
        }
    }

    private static let allowed: [EntityKind: Set<String>] = [
        .note: ["article_id", "body", "created_at", "anchor"],
        .articleState: ["read", "starred", "progress", "tags"],
        .subscription: ["subscribed", "tags", "title"],
    ]

    private static func check(field name: String, _ value: JSONValue, of entity: EntityKind) throws(Resolver.Rejection) {
        guard allowed[entity]?.contains(name) == true else {
            throw Resolver.Rejection(.invalidMutation, "\(entity.rawValue) has no field \"\(name)\"")
        }
        switch name {
        case "article_id":
            guard let id = value.stringValue, WireText.isArticleID(id) else {
                throw invalid(name, "an article id (16 lower-case hex digits)")
            }
        case "body":
            try checkText(name, value, limit: WireLimits.maxNoteBodyBytes)
        case "created_at":
            guard let text = value.stringValue, WireText.isTimestamp(text) else {
                throw invalid(name, "an RFC 3339 UTC time such as 2026-11-25T09:30:00.000Z")
            }
        case "anchor":
            try checkAnchor(value)
        case "read", "starred", "subscribed":
            guard value.boolValue != nil else { throw invalid(name, "true or false") }
        case "progress":
            guard let number = value.numberValue, number >= 0, number <= 1 else { throw invalid(name, "a number from 0 to 1") }
        case "tags":
            guard let tags = value.stringArray else { throw invalid(name, "an array of strings") }
            if tags.count > WireLimits.maxTags || tags.contains(where: { $0.utf8.count > WireLimits.maxTagBytes }) {
                throw Resolver.Rejection(
                    .tooLong, "at most \(WireLimits.maxTags) tags of at most \(WireLimits.maxTagBytes) bytes each"
                )
            }
            guard tags.allSatisfy(WireText.isTag) else { throw invalid(name, "non-empty tags without control characters") }
        case "title":
            try checkText(name, value, limit: WireLimits.maxSubscriptionTitleBytes)
        default:
            break
        }
    }

    private static func checkText(_ name: String, _ value: JSONValue, limit: Int) throws(Resolver.Rejection) {
        guard let text = value.stringValue else { throw invalid(name, "text") }
        guard WireText.fits(text, limit) else {
            throw Resolver.Rejection(.tooLong, "field \"\(name)\" is over its limit of \(limit) bytes")
        }
    }

    private static func checkAnchor(_ value: JSONValue) throws(Resolver.Rejection) {
        if value == .null { return }
        let expected = "null or an object with a non-empty \"exact\" and optional \"prefix\" and \"suffix\""
        guard let object = value.objectValue, let exact = object["exact"]?.stringValue, !exact.isEmpty,
              Set(object.keys).isSubset(of: ["exact", "prefix", "suffix"])
        else { throw invalid("anchor", expected) }
        let prefix = object["prefix"].map { $0.stringValue } ?? ""
        let suffix = object["suffix"].map { $0.stringValue } ?? ""
        guard let prefix, let suffix else { throw invalid("anchor", expected) }
        guard WireText.fits(exact, WireLimits.maxQuoteBytes), WireText.fits(prefix, WireLimits.maxQuoteContextBytes),
              WireText.fits(suffix, WireLimits.maxQuoteContextBytes)
        else {
            throw Resolver.Rejection(
                .tooLong,
                "the quote is over \(WireLimits.maxQuoteBytes) bytes or its context over \(WireLimits.maxQuoteContextBytes)"
            )
        }
    }

    private static func invalid(_ field: String, _ expected: String) -> Resolver.Rejection {
        Resolver.Rejection(.invalidMutation, "field \"\(field)\" must be \(expected)")
    }
}
