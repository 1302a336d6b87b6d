/// One option of a radio group, checkbox list or select, as the templates show it: the value the
/// form posts, the words a person reads, and whether it is chosen.
struct PageChoice: Sendable, Encodable {
    let value: String
    let label: String
    let checked: Bool
}
