/// The writable fields of an organization, checked by `validate()` before a store writes them.
struct OrganizationDraft: Sendable, Equatable {
    var kind: OrganizationKind
    var category: ObserverCategory?
    var ministry: String?
    var name: String
    var shortName: String
    var corporateNumber: CorporateNumber?
    var active: Bool

    init(
        kind: OrganizationKind, category: ObserverCategory?, ministry: String?, name: String, shortName: String,
        corporateNumber: CorporateNumber?, active: Bool = true
    ) {
        self.kind = kind
        self.category = category
        self.ministry = ministry
        self.name = JapaneseText.typedTrimmed(name)
        self.shortName = JapaneseText.typedTrimmed(shortName)
        self.corporateNumber = corporateNumber
        self.active = active
    }

    init(_ organization: Organization) {
        self.init(
            kind: organization.kind, category: organization.category, ministry: organization.ministry,
            name: organization.name, shortName: organization.shortName,
            corporateNumber: organization.corporateNumber, active: organization.active)
    }

    func validate() throws {
        try Problem.requireLine("name", name, max: 200)
        try Problem.requireLine("short_name", shortName, max: 50)
        switch kind {
        case .observer:
            guard let category else {
                throw Problem.invalid("category", Reason("an observer is an association or a ministry", ja: "オブザーバーは団体（association）か省庁（ministry）です"))
            }
            if category == .association, ministry != nil {
                throw Problem.invalid("ministry", Reason.onlyMinistryObserversNameAMinistry)
            }
        case .secretariat, .vendor:
            if category != nil { throw Problem.invalid("category", Reason("only observers have a category", ja: "区分を持つのはオブザーバーだけです")) }
            if ministry != nil { throw Problem.invalid("ministry", Reason.onlyMinistryObserversNameAMinistry) }
        }
    }
}

/// The writable fields of an account.
struct AccountDraft: Sendable, Equatable {
    var organizationID: Int
    var displayName: String
    var email: EmailAddress
    var role: Role
    var orgAdmin: Bool
    var active: Bool
    var prefectures: [PrefectureCode]

    init(
        organizationID: Int, displayName: String, email: EmailAddress, role: Role, orgAdmin: Bool,
        active: Bool = true, prefectures: [PrefectureCode] = []
    ) {
        self.organizationID = organizationID
        self.displayName = JapaneseText.typedTrimmed(displayName)
        self.email = email
        self.role = role
        self.orgAdmin = orgAdmin
        self.active = active
        self.prefectures = Array(Set(prefectures)).sorted()
    }

    init(_ account: Account) {
        self.init(
            organizationID: account.organizationID, displayName: account.displayName, email: account.email,
            role: account.role, orgAdmin: account.orgAdmin, active: account.active, prefectures: account.prefectures)
    }

    func validate() throws {
        try Problem.requireLine("display_name", displayName, max: 200)
        if role == .liaison, prefectures.isEmpty {
            throw Problem.invalid("prefectures", Reason("a liaison covers at least one prefecture", ja: "連絡担当は1つ以上の都道府県を受け持ちます"))
        }
        if role != .liaison, !prefectures.isEmpty {
            throw Problem.invalid("prefectures", Reason("only liaisons are scoped to prefectures", ja: "都道府県を受け持つのは連絡担当だけです"))
        }
    }
}

/// The writable fields of a product.
struct ProductDraft: Sendable, Equatable {
    var vendorID: Int
    var name: String
    var businessAreas: [BusinessArea]
    var version: String?
    var notes: String?

    init(vendorID: Int, name: String, businessAreas: [BusinessArea], version: String?, notes: String?) {
        self.vendorID = vendorID
        self.name = JapaneseText.typedTrimmed(name)
        self.businessAreas = BusinessArea.allCases.filter(Set(businessAreas).contains)
        self.version = version?.nilIfBlank
        self.notes = notes?.nilIfBlank
    }

    init(_ product: Product) {
        self.init(
            vendorID: product.vendorID, name: product.name, businessAreas: product.businessAreas,
            version: product.version, notes: product.notes)
    }

    func validate() throws {
        try Problem.requireLine("name", name, max: 200)
        if businessAreas.isEmpty {
            throw Problem.invalid("business_areas", Reason("a product covers at least one business area", ja: "製品は1つ以上の業務に対応します"))
        }
    }
}
