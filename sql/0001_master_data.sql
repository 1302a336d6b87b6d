-- National master data: ministries, the 20 business areas, liaison blocks, prefectures, and
-- the municipalities table that the MIC list import fills.

-- 全国地方公共団体コード check digit: (11 - (6a + 5b + 4c + 3d + 2e) mod 11) mod 10.
CREATE FUNCTION dantai_code_is_valid(code text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT code ~ '^[0-9]{6}$'
       AND substr(code, 1, 2)::int BETWEEN 1 AND 47
       AND (11 - (6 * substr(code, 1, 1)::int + 5 * substr(code, 2, 1)::int + 4 * substr(code, 3, 1)::int
                + 3 * substr(code, 4, 1)::int + 2 * substr(code, 5, 1)::int) % 11) % 10
           = substr(code, 6, 1)::int
$$;

-- Spec-owning ministries (制度所管省庁). Which ministry owns which area is our reading: editable.
CREATE TABLE ministries (
    slug text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9_]*$'),
    name text NOT NULL UNIQUE
);

INSERT INTO ministries (slug, name) VALUES
    ('mic', '総務省'),
    ('moj', '法務省'),
    ('mhlw', '厚生労働省'),
    ('cfa', 'こども家庭庁'),
    ('mext', '文部科学省');

-- 標準化対象20業務.
CREATE TABLE business_areas (
    slug              text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9_]*$'),
    name              text NOT NULL UNIQUE,
    aliases           text[] NOT NULL DEFAULT '{}',
    ministry          text NOT NULL REFERENCES ministries (slug),
    prefectures_run_it boolean NOT NULL DEFAULT false,
    sort_order        integer NOT NULL UNIQUE
);

INSERT INTO business_areas (slug, name, aliases, ministry, prefectures_run_it, sort_order) VALUES
    ('juki', '住民基本台帳', '{住民記録}', 'mic', false, 1),
    ('koseki', '戸籍', '{}', 'moj', false, 2),
    ('koseki_fuhyo', '戸籍の附票', '{戸籍附票}', 'mic', false, 3),
    ('inkan', '印鑑登録', '{}', 'mic', false, 4),
    ('senkyo', '選挙人名簿管理', '{}', 'mic', false, 5),
    ('kotei_shisanzei', '固定資産税', '{}', 'mic', false, 6),
    ('kojin_juminzei', '個人住民税', '{}', 'mic', false, 7),
    ('hojin_juminzei', '法人住民税', '{}', 'mic', false, 8),
    ('keijidoshazei', '軽自動車税', '{}', 'mic', false, 9),
    ('kokuho', '国民健康保険', '{}', 'mhlw', false, 10),
    ('kokumin_nenkin', '国民年金', '{}', 'mhlw', false, 11),
    ('shogaisha_fukushi', '障害者福祉', '{}', 'mhlw', false, 12),
    ('koki_koreisha', '後期高齢者医療', '{}', 'mhlw', false, 13),
    ('kaigo', '介護保険', '{}', 'mhlw', false, 14),
    ('jido_teate', '児童手当', '{}', 'cfa', false, 15),
    ('seikatsu_hogo', '生活保護', '{}', 'mhlw', true, 16),
    ('kenko_kanri', '健康管理', '{}', 'mhlw', false, 17),
    ('shugaku', '就学', '{}', 'mext', false, 18),
    ('jido_fuyo_teate', '児童扶養手当', '{}', 'cfa', true, 19),
    ('kosodate', '子ども・子育て支援', '{}', 'cfa', false, 20);

-- 標準化リエゾンの8ブロック.
CREATE TABLE blocks (
    slug       text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9_]*$'),
    name       text NOT NULL UNIQUE,
    sort_order integer NOT NULL UNIQUE
);

INSERT INTO blocks (slug, name, sort_order) VALUES
    ('hokkaido', '北海道', 1),
    ('tohoku', '東北', 2),
    ('kanto_koshinetsu', '関東・甲信静越', 3),
    ('chubu', '中部', 4),
    ('kinki', '近畿', 5),
    ('chugoku', '中国', 6),
    ('shikoku', '四国', 7),
    ('kyushu_okinawa', '九州・沖縄', 8);

-- 47 prefectures: JIS X 0401 code, their own 団体コード, name and reading (full-width katakana).
CREATE TABLE prefectures (
    code        char(2) PRIMARY KEY CHECK (code ~ '^[0-9]{2}$' AND code::int BETWEEN 1 AND 47),
    dantai_code char(6) NOT NULL UNIQUE CHECK (dantai_code_is_valid(dantai_code) AND left(dantai_code, 2) = code
                                              AND substr(dantai_code, 3, 3) = '000'),
    name        text NOT NULL UNIQUE,
    kana        text NOT NULL,
    block       text NOT NULL REFERENCES blocks (slug)
);

INSERT INTO prefectures (code, dantai_code, name, kana, block) VALUES
    ('01', '010006', '北海道', 'ホッカイドウ', 'hokkaido'),
    ('02', '020001', '青森県', 'アオモリケン', 'tohoku'),
    ('03', '030007', '岩手県', 'イワテケン', 'tohoku'),
    ('04', '040002', '宮城県', 'ミヤギケン', 'tohoku'),
    ('05', '050008', '秋田県', 'アキタケン', 'tohoku'),
    ('06', '060003', '山形県', 'ヤマガタケン', 'tohoku'),
    ('07', '070009', '福島県', 'フクシマケン', 'tohoku'),
    ('08', '080004', '茨城県', 'イバラキケン', 'kanto_koshinetsu'),
    ('09', '090000', '栃木県', 'トチギケン', 'kanto_koshinetsu'),
    ('10', '100005', '群馬県', 'グンマケン', 'kanto_koshinetsu'),
    ('11', '110001', '埼玉県', 'サイタマケン', 'kanto_koshinetsu'),
    ('12', '120006', '千葉県', 'チバケン', 'kanto_koshinetsu'),
    ('13', '130001', '東京都', 'トウキョウト', 'kanto_koshinetsu'),
    ('14', '140007', '神奈川県', 'カナガワケン', 'kanto_koshinetsu'),
    ('15', '150002', '新潟県', 'ニイガタケン', 'kanto_koshinetsu'),
    ('16', '160008', '富山県', 'トヤマケン', 'chubu'),
    ('17', '170003', '石川県', 'イシカワケン', 'chubu'),
    ('18', '180009', '福井県', 'フクイケン', 'chubu'),
    ('19', '190004', '山梨県', 'ヤマナシケン', 'kanto_koshinetsu'),
    ('20', '200000', '長野県', 'ナガノケン', 'kanto_koshinetsu'),
    ('21', '210005', '岐阜県', 'ギフケン', 'chubu'),
    ('22', '220001', '静岡県', 'シズオカケン', 'kanto_koshinetsu'),
    ('23', '230006', '愛知県', 'アイチケン', 'chubu'),
    ('24', '240001', '三重県', 'ミエケン', 'chubu'),
    ('25', '250007', '滋賀県', 'シガケン', 'kinki'),
    ('26', '260002', '京都府', 'キョウトフ', 'kinki'),
    ('27', '270008', '大阪府', 'オオサカフ', 'kinki'),
    ('28', '280003', '兵庫県', 'ヒョウゴケン', 'kinki'),
    ('29', '290009', '奈良県', 'ナラケン', 'kinki'),
    ('30', '300004', '和歌山県', 'ワカヤマケン', 'kinki'),
    ('31', '310000', '鳥取県', 'トットリケン', 'chugoku'),
    ('32', '320005', '島根県', 'シマネケン', 'chugoku'),
    ('33', '330001', '岡山県', 'オカヤマケン', 'chugoku'),
    ('34', '340006', '広島県', 'ヒロシマケン', 'chugoku'),
    ('35', '350001', '山口県', 'ヤマグチケン', 'chugoku'),
    ('36', '360007', '徳島県', 'トクシマケン', 'shikoku'),
    ('37', '370002', '香川県', 'カガワケン', 'shikoku'),
    ('38', '380008', '愛媛県', 'エヒメケン', 'shikoku'),
    ('39', '390003', '高知県', 'コウチケン', 'shikoku'),
    ('40', '400009', '福岡県', 'フクオカケン', 'kyushu_okinawa'),
    ('41', '410004', '佐賀県', 'サガケン', 'kyushu_okinawa'),
    ('42', '420000', '長崎県', 'ナガサキケン', 'kyushu_okinawa'),
    ('43', '430005', '熊本県', 'クマモトケン', 'kyushu_okinawa'),
    ('44', '440001', '大分県', 'オオイタケン', 'kyushu_okinawa'),
    ('45', '450006', '宮崎県', 'ミヤザキケン', 'kyushu_okinawa'),
    ('46', '460001', '鹿児島県', 'カゴシマケン', 'kyushu_okinawa'),
    ('47', '470007', '沖縄県', 'オキナワケン', 'kyushu_okinawa');

-- The 20 政令指定都市: not derivable from the MIC list, which has no such column.
CREATE TABLE designated_cities (
    code char(6) PRIMARY KEY CHECK (dantai_code_is_valid(code))
);

INSERT INTO designated_cities (code) VALUES
    ('011002'),
    ('041009'),
    ('111007'),
    ('121002'),
    ('141003'),
    ('141305'),
    ('141500'),
    ('151009'),
    ('221007'),
    ('221309'),
    ('231002'),
    ('261009'),
    ('271004'),
    ('271403'),
    ('281000'),
    ('331007'),
    ('341002'),
    ('401005'),
    ('401307'),
    ('431001');

-- 市区町村 (1,741 today). Never deleted: a code missing from a newer MIC list (a merger)
-- becomes inactive, so history that names it keeps its meaning.
CREATE TABLE municipalities (
    code            char(6) PRIMARY KEY CHECK (dantai_code_is_valid(code) AND substr(code, 3, 3) <> '000'),
    prefecture_code char(2) NOT NULL REFERENCES prefectures (code),
    name            text NOT NULL CHECK (name <> ''),
    kana            text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('city', 'town', 'village', 'special_ward')),
    designated_city boolean NOT NULL DEFAULT false,
    active          boolean NOT NULL DEFAULT true,
    -- NFKC name and reading with hiragana folded to katakana: what `q` searches.
    search_key      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (left(code, 2) = prefecture_code)
);

CREATE INDEX municipalities_prefecture_idx ON municipalities (prefecture_code, code);
