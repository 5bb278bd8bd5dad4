import Hummingbird

/// Requires a bearer token on every `/v1` route and puts its user in the context; a
/// missing or unknown token is 401 `unauthorized`, never another user's data.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext
    let repository: any SyncRepository

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = BearerToken.fromAuthorization(request.headers[.authorization]),
              let user = try await repository.authenticate(token: token)
        else { throw ServerError.unauthorized }
        var context = context
        context.user = user
        context.audit.record(user)
        return try await next(request, context)
    }
}
