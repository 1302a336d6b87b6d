/// Offset pagination for small, stable lists (master data). Bounds are checked at the edge.
public struct Page: Sendable, Equatable {
    public static let maxLimit = 1000
    public static let maxOffset = 1_000_000

    public let limit: Int
    public let offset: Int

    public init(limit: Int = 100, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }
}

/// One page of items and how many there are in all.
public struct Paged<Item: Codable & Sendable>: Codable, Sendable {
    public let items: [Item]
    public let total: Int
    public let limit: Int
    public let offset: Int
}
