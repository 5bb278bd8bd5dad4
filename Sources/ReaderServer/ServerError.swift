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
    /// What went wrong and, where it can, what to do about it.
    public var message: String

    /// An error with this sentence.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
