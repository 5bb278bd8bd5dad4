import ReaderModels

/// A failure the server answers with a status and a JSON error body. Anything else thrown
/// while handling a request becomes a 500 `internal` whose message says nothing of SQL or
/// the stack.
public struct ServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code programs act on.
    public var code: APIErrorCode
    /// What went wrong, for people.
    public var message: String

    /// An error with this code and a sentence for people.
    public init(_ code: APIErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The HTTP status of the code.
    public var status: Int {
        switch code {
        case .badRequest, .unknownArticle, .unknownNote, .invalidMutation, .clockTooFarAhead, .tooLong, .invalidFeedURL: 400
        case .unauthorized: 401
        case .notFound: 404
        case .methodNotAllowed: 405
        case .cursorExpired: 410
        case .tooLarge: 413
        case .internalError, .other: 500
        }
    }

    /// The message.
    public var description: String { message }

    /// The body the client receives.
    public var envelope: APIErrorEnvelope {
        APIErrorEnvelope(error: APIErrorBody(code: code, message: message))
    }

    static let unauthorized = ServerError(.unauthorized, "a valid bearer token is required (Authorization: Bearer TOKEN)")
    static let internalFailure = ServerError(.internalError, "the server failed to handle the request; it may be retried")
}

/// A failure of the server's command line or storage, with a sentence a person can act on.
public struct RepositoryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// What the failure is about, for a caller that adds its own advice (the reader-server
    /// command names the subcommand or option that helps); nil when the message is all.
    public var subject: Subject?

    /// What a failure is about, beyond its sentence.
    public enum Subject: Hashable, Sendable {
        /// No user has this name.
        case unknownUser(String)
        /// The user is not subscribed to the feed at this URL.
        case notSubscribed(user: String, url: String)
        /// An import was asked for without naming whose library it goes into.
        case importWithoutUser
    }

    /// An error with this sentence and, when the caller may advise on it, its subject.
    public init(_ message: String, subject: Subject? = nil) {
        self.message = message
        self.subject = subject
    }

    /// No user is named `name`.
    package static func unknownUser(_ name: String) -> RepositoryError {
        RepositoryError("no user named \(name)", subject: .unknownUser(name))
    }

    /// `user` is not subscribed to `url`.
    package static func notSubscribed(_ user: String, to url: String) -> RepositoryError {
        RepositoryError("\(user) is not subscribed to \(url)", subject: .notSubscribed(user: user, url: url))
    }

    /// An import named no user.
    package static let importWithoutUser = RepositoryError(
        "an import needs the user whose library it goes into", subject: .importWithoutUser
    )

    /// The message.
    public var description: String { message }
}
