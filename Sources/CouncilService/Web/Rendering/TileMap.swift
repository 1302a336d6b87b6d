/// The 47 prefectures as a tile map (one square each, placed roughly where the prefecture lies,
/// blocks side by side), drawn as SVG on the server: no script, no external file. The colour of a
/// tile is the share of its 団体 that are blocked; each tile links to that prefecture's open issues.
/// Every text in it is escaped here, since the template inserts the SVG as it is.
enum TileMap {
    struct Tile: Sendable {
        let code: PrefectureCode
        let name: String
        let block: Block
        let blocked: Int
        let municipalities: Int
    }

    /// Column and row of each prefecture, by JIS code.
    static let positions: [String: (x: Int, y: Int)] = [
        "01": (13, 0), "02": (13, 1), "05": (12, 2), "03": (13, 2),
        "17": (8, 3), "16": (9, 3), "15": (10, 3), "06": (12, 3), "04": (13, 3),
        "18": (8, 4), "21": (9, 4), "20": (10, 4), "10": (11, 4), "09": (12, 4), "07": (13, 4),
        "32": (4, 5), "31": (5, 5), "28": (6, 5), "26": (7, 5), "25": (8, 5), "23": (9, 5), "19": (10, 5), "11": (11, 5), "08": (12, 5),
        "42": (0, 6), "41": (1, 6), "40": (2, 6), "35": (3, 6), "34": (4, 6), "33": (5, 6), "27": (6, 6), "29": (7, 6), "24": (8, 6),
        "22": (9, 6), "14": (10, 6), "13": (11, 6), "12": (12, 6),
        "43": (1, 7), "44": (2, 7), "38": (4, 7), "37": (5, 7), "30": (6, 7),
        "46": (1, 8), "45": (2, 8), "39": (4, 8), "36": (5, 8),
        "47": (0, 9),
    ]

    static let size = 44, gap = 4

    /// The colour step of a share: 0 (none blocked) to 4 (a quarter or more).
    static func step(blocked: Int, of total: Int) -> Int {
        guard blocked > 0, total > 0 else { return 0 }
        let share = Double(blocked) / Double(total)
        return share >= 0.25 ? 4 : share >= 0.1 ? 3 : share >= 0.03 ? 2 : 1
    }

    static func svg(_ tiles: [Tile], title: String, link: (PrefectureCode) -> String, label: (Tile) -> String) -> String {
        let pitch = size + gap
        var svg =
            "<svg class=\"tile-map\" role=\"img\" aria-labelledby=\"tile-map-title\" viewBox=\"0 0 \(14 * pitch) \(10 * pitch)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"tile-map-title\">\(escape(title))</title>"
        for tile in tiles {
            guard let (x, y) = positions[tile.code.rawValue] else { continue }
            // 東京都 → 東京, 神奈川県 → 神奈川; 北海道 stays whole.
            let shown = tile.name == "北海道" ? tile.name : String(tile.name.dropLast())
            svg += "<a href=\"\(escape(link(tile.code)))\" class=\"tile-link\">"
            svg += "<title>\(escape(label(tile)))</title>"
            let shade = step(blocked: tile.blocked, of: tile.municipalities), ink = shade >= 3 ? " on-dark" : ""
            svg += "<rect class=\"tile tile-\(shade) block-\(tile.block.rawValue)\" "
            svg += "x=\"\(x * pitch)\" y=\"\(y * pitch)\" width=\"\(size)\" height=\"\(size)\" rx=\"4\"/>"
            svg += "<text class=\"tile-name\(ink)\" x=\"\(x * pitch + size / 2)\" y=\"\(y * pitch + size / 2 - 2)\">\(escape(shown))</text>"
            svg += "<text class=\"tile-count\(ink)\" x=\"\(x * pitch + size / 2)\" y=\"\(y * pitch + size / 2 + 13)\">\(tile.blocked)</text>"
            svg += "</a>"
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String { HTMLEscaping.escaped(text) }
}
