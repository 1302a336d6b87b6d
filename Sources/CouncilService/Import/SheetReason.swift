/// What a spreadsheet's refused lines say, in English (the API) and Japanese (the pages), in one
/// place: the sheets, the stores' rules over their rows and `Policy` all word refusals from here.
enum SheetReason {
    static func notAMunicipalityCode(_ text: String) -> Reason {
        MunicipalityCode.whyInvalid(text)
    }

    static func notABusinessArea(_ text: String) -> Reason {
        Reason("'\(text)' is not one of the 20 business areas (slug or Japanese name)", ja: "「\(text)」は標準化対象20業務のどれでもありません")
    }

    static func notOneOf(_ text: String, _ labels: [String]) -> Reason {
        Reason("'\(text)' is not one of \(labels.joined(separator: ", "))", ja: "「\(text)」は次のどれでもありません：\(labels.joined(separator: "、"))")
    }

    static func notAMonth(_ text: String) -> Reason {
        YearMonth.whyInvalid(text)
    }

    static func notADate(_ text: String) -> Reason {
        CalendarDate.whyInvalidTyped(text)
    }

    static func notAPercentage(_ text: String) -> Reason {
        Reason("'\(text)' is not a percentage from 0 to 100", ja: "「\(text)」は0〜100の割合ではありません")
    }

    static let noProductGiven = Reason("give the product (製品 or 製品ID)", ja: "製品（製品名または製品ID）を書いてください")

    static func noProductNamed(_ name: String) -> Reason {
        Reason("no product named '\(name)' of yours", ja: "あなたの製品に「\(name)」という名前のものはありません")
    }

    static func productNameAmbiguous(_ name: String) -> Reason {
        Reason("'\(name)' names several vendors' products; give 製品ID", ja: "「\(name)」は複数のベンダーの製品名です。製品IDを書いてください")
    }

    static func repeatedAdoption(_ code: MunicipalityCode, _ area: BusinessArea, firstLine: Int) -> Reason {
        Reason(
            "\(code) and \(area.japaneseName) already appear on line \(firstLine)",
            ja: "\(code)の\(area.japaneseName)は\(firstLine)行目にもあります（1団体1業務につき1行）")
    }

    static func repeatedStatus(firstLine: Int) -> Reason {
        Reason("this product and area already appear on line \(firstLine)", ja: "この製品と業務は\(firstLine)行目にもあります")
    }

    static func noMunicipality(_ code: MunicipalityCode) -> Reason {
        Reason("no 団体 has the code \(code)", ja: "団体コード\(code)の団体はありません")
    }

    static func prefectureRunsOnly(_ area: BusinessArea) -> Reason {
        Reason(
            "a prefecture runs only 児童扶養手当 and 生活保護, not \(area.japaneseName)",
            ja: "都道府県が行う業務は児童扶養手当と生活保護だけです（\(area.japaneseName)は届け出られません）")
    }

    static func inactiveMunicipality(_ code: MunicipalityCode) -> Reason {
        Reason("\(code) is inactive (merged) and takes no new adoptions", ja: "\(code)は合併などでなくなった団体のため、新しい導入は届け出られません")
    }

    static func noProduct(_ id: Int) -> Reason { Reason.noProduct(id) }

    static func productDoesNotCover(_ product: String?, _ area: BusinessArea) -> Reason {
        Reason(
            "\(product ?? "the product") does not cover \(area.japaneseName)", ja: "\(product ?? "この製品")は\(area.japaneseName)に対応していません")
    }

    static func stageGoesBack(from current: DevelopmentStage, to stage: DevelopmentStage) -> Reason {
        Reason(
            "the stage moves back from \(current.japaneseLabel) to \(stage.japaneseLabel); say why",
            ja: "段階が\(current.japaneseLabel)から\(stage.japaneseLabel)に戻ります。後退理由を書いてください")
    }

    static let statusFilingForbidden = Reason(
        "only the vendor itself or the secretariat may file for this product", ja: "この製品の開発状況は、そのベンダーと事務局だけが届け出られます")

    // Who may file an adoption (`Policy.adoptionRefusal`).
    static let liaisonOwnPrefectures = Reason(
        "a liaison files adoptions only of the 団体 of their own prefectures", ja: "標準化リエゾンは担当する都道府県の団体の導入だけを届け出られます")
    static let onlyFilers = Reason("only vendors and the secretariat file adoptions", ja: "導入を届け出られるのはベンダーと事務局だけです")
    static let onlyOwnProducts = Reason("you may file adoptions only of your own products", ja: "自社の製品の導入だけを届け出られます")
    static let filedWithAnotherVendor = Reason(
        "this 団体 and business area are filed with another vendor's product; the secretariat can reassign it",
        ja: "この団体・業務は他社の製品で届け出られています。変更は事務局に依頼してください")

    // CSV syntax.
    static let csvStrayQuote = Reason("a double quote inside an unquoted field", ja: "「\"」で囲まれていない欄の中に「\"」があります")
    static let csvUnclosedQuote = Reason(
        "a quoted field is not closed before the end of the file", ja: "「\"」で始まる欄が、ファイルの終わりまでに閉じられていません")
    static let csvTextAfterQuote = Reason("text after a closing double quote", ja: "欄を閉じる「\"」の後に文字があります")

    // The file as a whole.
    static let emptyFile = Reason("the file is empty", ja: "ファイルが空です")
    static let noRows = Reason("the file has a header but no rows", ja: "見出しの行だけで、データの行がありません")
    static func missingColumn(_ column: String) -> Reason {
        Reason("the header has no '\(column)' column", ja: "見出しに「\(column)」の列がありません")
    }
}
