/// Offset pagination for small, stable lists (master data). Bounds are checked at the edge.
struct Page: Sendable, Equatable {
    static let maxLimit = 1000
    static let maxOffset = 1_000_000

    let limit: Int
    let offset: Int

    init(limit: Int = 100, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }
}

/// One page of items and how many there are in all.
struct Paged<Item: Codable & Sendable>: Codable, Sendable {
    let items: [Item]
    let total: Int
    let limit: Int
    let offset: Int
}
