/// The product a sheet's row names: by 製品ID, or by 製品 — a name among the caller's products
/// (width and case ignored), refused when it names none or several.
struct SheetProducts {
    struct Unnamed: Error {
        let reason: Reason
    }

    private var byName: [String: [Int]] = [:]

    init(_ products: [(id: Int, vendor: Int, name: String)]) {
        for product in products { byName[SheetTable.key(product.name).lowercased(), default: []].append(product.id) }
    }

    func product(id: String, name: String) -> Result<Int, Unnamed> {
        if let id = Int(id) { return .success(id) }
        guard !name.isEmpty else { return .failure(Unnamed(reason: SheetReason.noProductGiven)) }
        let matches = byName[SheetTable.key(name).lowercased()] ?? []
        switch matches.count {
        case 1: return .success(matches[0])
        case 0: return .failure(Unnamed(reason: SheetReason.noProductNamed(name)))
        default: return .failure(Unnamed(reason: SheetReason.productNameAmbiguous(name)))
        }
    }
}
