/// What an endpoint requires of its caller. Every endpoint declares one in the routes table;
/// `Policy.authorize` enforces it before the handler runs.
package enum Access: String, Sendable, Equatable, CaseIterable {
    /// Anyone, without a token: health, metrics, the contract and national master data.
    case `public`
    /// Any valid token; object-level rules (visibility, ownership) are then checked by `Policy`.
    case authenticated
    /// Those who file: vendors and the secretariat (observers only read); ownership is then
    /// checked per object by `Policy`.
    case filer
    /// Any secretariat account (admin, member, liaison).
    case secretariat
    /// Secretariat administrators only.
    case secretariatAdmin
}
