/// A list answer without pagination (small, fixed lists).
struct Items<Item: Encodable>: Encodable {
    let items: [Item]
}
