/// The one place that decides who may do what. Handlers call these functions; they never
/// compare roles themselves. Route level: `authorize(_:_:)`. Object level: the `can…` and
/// `require…` functions, which answer 404 for what the caller may not even see and 403 for what
/// they can see but not change.
enum Policy {
    /// Route-level check: 401 without a (valid) token, 403 for a caller lacking the role.
    static func authorize(_ access: Access, _ principal: Principal?) throws {
        guard access != .public else { return }
        guard let principal else { throw Problem.unauthenticated }
        switch access {
        case .public, .authenticated:
            return
        case .filer:
            guard principal.isSecretariat || principal.organizationKind == .vendor else {
                throw Problem.forbidden(Reason("only vendors and the secretariat file; observers read", ja: "届け出るのはベンダーと事務局です。オブザーバーは閲覧だけです"))
            }
        case .secretariat:
            guard principal.isSecretariat else { throw Problem.forbidden(Reason("only the secretariat may do this", ja: "この操作は事務局だけが行えます")) }
        case .secretariatAdmin:
            guard principal.isSecretariatAdmin else {
                throw Problem.forbidden(Reason("only a secretariat administrator may do this", ja: "この操作は事務局の管理者だけが行えます"))
            }
        }
    }

    /// What the caller may do, as `GET /v1/me` lists it.
    static func capabilities(_ principal: Principal) -> [String] {
        var capabilities = ["filings.read", "organizations.read", "tokens.manage_own"]
        if principal.role == .liaison {
            capabilities.append("adoptions.write_own_prefectures")
        } else if principal.isSecretariat {
            capabilities.append("filings.write_all")
        }
        if principal.organizationKind == .vendor { capabilities.append("filings.write_own") }
        if principal.isSecretariat {
            capabilities += ["accounts.read_all", "audit.read"]
        } else {
            capabilities.append("accounts.read_own_organization")
        }
        if principal.isSecretariatAdmin {
            capabilities += ["organizations.manage", "accounts.manage_all", "municipalities.import"]
        } else if principal.orgAdmin {
            capabilities.append("accounts.manage_own_organization")
        }
        return capabilities.sorted()
    }

    /// The prefectures a caller's municipality and blocker views show by default: a liaison's
    /// own; everyone else (and anonymous callers) the whole country. `all=true` widens.
    static func defaultPrefectureScope(_ principal: Principal?) -> [PrefectureCode] {
        guard let principal, principal.role == .liaison else { return [] }
        return principal.prefectures
    }

    /// Whether the caller files development status at all (for some product): vendors and the
    /// secretariat's members and administrators; liaisons and observers do not.
    static func filesStatus(_ principal: Principal) -> Bool {
        principal.role != .liaison && (principal.isSecretariat || principal.organizationKind == .vendor)
    }

    /// Products and their status reports: a vendor files its own; the secretariat's members and
    /// administrators any. Liaisons follow their prefectures' 団体 and do not file for vendors.
    static func requireWriteFilings(of vendor: Int, _ principal: Principal) throws {
        if principal.role == .liaison {
            throw Problem.forbidden(
                Reason(
                    "liaisons file adoptions of their prefectures' 団体; products and development status are filed by vendors and the secretariat",
                    ja: "標準化リエゾンが届け出るのは担当都道府県の団体の導入です。製品と開発状況はベンダーと事務局が届け出ます"))
        }
        if principal.isSecretariat { return }
        guard principal.organizationKind == .vendor, principal.organizationID == vendor else {
            throw Problem.forbidden(SheetReason.statusFilingForbidden)
        }
    }

    /// Adoptions: a vendor writes only those of its own products (both the record's current
    /// product and the one filed); a liaison those of the 団体 of their prefectures; the rest of
    /// the secretariat any. Nil means allowed, else the reason.
    static func adoptionRefusal(dantai: MunicipalityCode, existingVendor: Int?, newVendor: Int, _ principal: Principal) -> Reason? {
        if principal.role == .liaison {
            return principal.prefectures.contains(dantai.prefecture) ? nil : SheetReason.liaisonOwnPrefectures
        }
        if principal.isSecretariat { return nil }
        guard principal.organizationKind == .vendor else { return SheetReason.onlyFilers }
        if newVendor != principal.organizationID { return SheetReason.onlyOwnProducts }
        if let existingVendor, existingVendor != principal.organizationID { return SheetReason.filedWithAnotherVendor }
        return nil
    }

    /// Accounts (with their e-mail addresses) are visible to the secretariat and to their own organization.
    static func canSee(account: Account, _ principal: Principal) -> Bool {
        principal.isSecretariat || principal.organizationID == account.organizationID
    }

    /// The organizations whose accounts the caller may list: nil means all.
    static func visibleAccountOrganizations(_ principal: Principal) -> Int? {
        principal.isSecretariat ? nil : principal.organizationID
    }

    /// Secretariat admins manage every account; a vendor's or observer's `org_admin` manages
    /// their own organization's.
    static func canManageAccounts(of organization: Int, kind: OrganizationKind, _ principal: Principal) -> Bool {
        if principal.isSecretariatAdmin { return true }
        return principal.orgAdmin && kind != .secretariat && principal.organizationID == organization
    }

    /// 404 when the account is invisible, 403 when visible but not manageable.
    static func requireManage(account: Account, _ principal: Principal) throws {
        guard canSee(account: account, principal) else { throw Problem.notFound(Reason.noAccount(account.id)) }
        guard canManageAccounts(of: account.organizationID, kind: account.organizationKind, principal) else {
            throw Problem.forbidden(Reason("you may not manage the accounts of this organization", ja: "この組織のアカウントは管理できません"))
        }
    }

    /// Tokens: your own, or those of accounts you manage.
    static func requireManageTokens(of account: Account, _ principal: Principal) throws {
        guard canSee(account: account, principal) else { throw Problem.notFound(Reason.noAccount(account.id)) }
        guard
            principal.accountID == account.id
                || canManageAccounts(of: account.organizationID, kind: account.organizationKind, principal)
        else {
            throw Problem.forbidden(Reason("you may manage only your own tokens", ja: "管理できるのは自分のトークンだけです"))
        }
    }

    /// The 管理 pages: secretariat administrators for everyone, an organization's administrators
    /// for their own organization. Nil means every organization; else the one the caller administers.
    static func administeredOrganization(_ principal: Principal) throws -> Int? {
        if principal.isSecretariatAdmin { return nil }
        guard canAdminister(principal) else {
            throw Problem.forbidden(
                Reason("only administrators (the secretariat's, or an organization's) may do this", ja: "この操作は管理者（事務局または組織の管理者）だけが行えます"))
        }
        return principal.organizationID
    }

    /// Whether the 管理 pages are the caller's at all.
    static func canAdminister(_ principal: Principal) -> Bool {
        principal.isSecretariatAdmin || (principal.orgAdmin && !principal.isSecretariat)
    }

    /// Which roles an organization's accounts may have, and who may grant them.
    static func requireAssignable(role: Role, orgAdmin: Bool, in kind: OrganizationKind, _ principal: Principal) throws {
        if kind != .secretariat {
            guard role == .member else {
                throw Problem.invalid(
                    "role",
                    Reason(
                        "accounts of a \(kind.rawValue) organization are members; admin and liaison belong to the secretariat",
                        ja: "\(kind.rawValue)の組織のアカウントはmemberです。adminとliaisonは事務局の役割です"))
            }
        } else if orgAdmin {
            throw Problem.invalid(
                "org_admin",
                Reason(
                    "secretariat accounts are managed by secretariat admins; use role admin",
                    ja: "事務局のアカウントは事務局の管理者が管理します。role を admin にしてください"))
        }
        if role != .member, !principal.isSecretariatAdmin {
            throw Problem.forbidden(
                Reason("only a secretariat administrator may grant the \(role.rawValue) role", ja: "\(role.rawValue)の役割を与えられるのは事務局の管理者だけです"))
        }
    }
}

extension Problem {
    static let unauthenticated: Problem = {
        var problem = Problem(
            .unauthenticated,
            Reason("send a valid API token as 'Authorization: Bearer <token>'", ja: "有効なAPIトークンを 'Authorization: Bearer <token>' で送ってください"))
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"council\""
        return problem
    }()

    static let invalidToken: Problem = {
        var problem = Problem(
            .invalidToken,
            Reason(
                "the token is unknown, expired or revoked, or its account or organization is inactive",
                ja: "トークンが不明か、期限切れか、無効にされています。またはそのアカウントか組織が停止しています"))
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"council\", error=\"invalid_token\""
        return problem
    }()

    static func forbidden(_ reason: Reason) -> Problem {
        Problem(.forbidden, reason)
    }
}

extension Policy {
    /// Webhooks of an organization: its administrators manage them, and the secretariat's
    /// administrators those of any organization.
    static func canManageWebhooks(of organization: Int, _ principal: Principal) -> Bool {
        principal.isSecretariatAdmin || (principal.orgAdmin && principal.organizationID == organization)
    }

    /// Who may know an organization's endpoints exist (others get 404): its members and the secretariat.
    static func canSeeWebhooks(of organization: Int, _ principal: Principal) -> Bool {
        principal.isSecretariat || principal.organizationID == organization
    }

    static func requireManageWebhooks(of organization: Int, _ principal: Principal) throws {
        guard canManageWebhooks(of: organization, principal) else {
            throw Problem.forbidden(
                Reason(
                    "only the organization's administrators (or the secretariat's) manage its webhooks",
                    ja: "Webhookを管理できるのは、その組織の管理者（または事務局の管理者）だけです"))
        }
    }
}
