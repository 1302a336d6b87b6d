import CouncilDatabase

/// Council meetings and their agendas. Agenda items that link an issue the caller may not see
/// are left out of what the caller reads.
struct MeetingStore: Sendable {
    let pool: DatabasePool

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func meetings(page: Page, scope: Policy.IssueScope) async throws -> Paged<Meeting> {
        try await pool.withConnection { connection in
            let ids = try connection.query(
                Query(
                    "meetings.list",
                    """
                    SELECT id FROM meetings ORDER BY number DESC LIMIT \(page.limit) OFFSET \(page.offset)
                    """)
            ).rows.map { try $0.decode("id", as: Int.self) }
            let total: Int = try connection.query(Query("meetings.count", "SELECT count(*) AS n FROM meetings")).single().decode("n")
            return Paged(
                items: try ids.compactMap { try Self.fetch($0, scope, on: connection) }, total: total,
                limit: page.limit, offset: page.offset)
        }
    }

    func meeting(_ id: Int, scope: Policy.IssueScope) async throws -> Meeting {
        try await pool.withConnection { connection in try Self.require(id, scope, on: connection) }
    }

    func create(_ draft: MeetingDraft, by actor: AuditActor) async throws -> Meeting {
        try draft.validate()
        return try await pool.withTransaction { connection in
            // Meetings are numbered in order (第N回) unless the secretariat says otherwise.
            try connection.query(Query("meetings.lockNumbers", "LOCK TABLE meetings IN SHARE ROW EXCLUSIVE MODE"))
            let number: Int
            if let given = draft.number {
                number = given
            } else {
                number = try connection.query(Query("meetings.nextNumber", "SELECT coalesce(max(number), 0) + 1 AS n FROM meetings")).single().decode(
                    "n")
            }
            let id: Int = try connection.query(
                Query(
                    "meetings.insert",
                    """
                    INSERT INTO meetings (number, held_on, title, state) VALUES (\(number), \(draft.heldOn), \(draft.title), \(draft.state))
                    RETURNING id
                    """)
            ).single().decode("id")
            try Self.setAttendees(id, draft.attendeeIDs, on: connection)
            let created = try Self.require(id, .all, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingCreate, entityType: .meeting, entityID: id,
                before: nil, after: try JSONValue.fields(of: created))
            try Self.announce(.meetingCreated, created, item: nil, change: nil, actor, on: connection)
            return created
        }
    }

    func update(_ id: Int, by actor: AuditActor, _ change: @escaping @Sendable (Meeting) throws -> MeetingDraft) async throws -> Meeting {
        try await pool.withTransaction { connection in
            let current = try Self.lock(id, on: connection)
            let draft = try change(current)
            try draft.validate()
            try connection.query(
                Query(
                    "meetings.update",
                    """
                    UPDATE meetings SET number = \(draft.number ?? current.number), held_on = \(draft.heldOn), title = \(draft.title),
                           state = \(draft.state), updated_at = now()
                    WHERE id = \(id)
                    """))
            try Self.setAttendees(id, draft.attendeeIDs, on: connection)
            let updated = try Self.require(id, .all, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingUpdate, entityType: .meeting, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: updated))
            try Self.announce(.meetingUpdated, updated, item: nil, change: nil, actor, on: connection)
            return updated
        }
    }

    /// Adds an item at `position` (the end when nil), moving later items down.
    func addItem(_ meetingID: Int, _ draft: AgendaItemDraft, position: Int?, by actor: AuditActor) async throws -> Meeting {
        try draft.validate()
        return try await pool.withTransaction { connection in
            let meeting = try Self.lock(meetingID, on: connection)
            try Self.requireOpen(meeting)
            try Self.checkIssue(draft.issueNumber, on: connection)
            let place = min(max(position ?? Int.max, 1), try meeting.agendaCount(on: connection) + 1)
            try connection.query(
                Query(
                    "agenda.makeRoom",
                    """
                    UPDATE agenda_items SET position = position + 1 WHERE meeting_id = \(meetingID) AND position >= \(place)
                    """))
            let id: Int = try connection.query(
                Query(
                    "agenda.insert",
                    """
                    INSERT INTO agenda_items (meeting_id, position, issue_number, topic, presenter_organization_id, allotted_minutes, status, minutes)
                    VALUES (\(meetingID), \(place), \(draft.issueNumber), \(draft.topic), \(draft.presenterID), \(draft.allottedMinutes),
                            \(draft.status), \(draft.minutes))
                    RETURNING id
                    """)
            ).single().decode("id")
            try Self.touch(meetingID, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingAgendaCreate, entityType: .agendaItem, entityID: id,
                before: nil, after: try JSONValue.fields(of: Self.item(id, on: connection)))
            try Self.announce(.agendaChanged, meeting, item: try Self.item(id, on: connection), change: "added", actor, on: connection)
            return try Self.require(meetingID, .all, on: connection)
        }
    }

    func updateItem(
        _ meetingID: Int, item id: Int, position: Int?, by actor: AuditActor,
        _ change: @escaping @Sendable (AgendaItem) throws -> AgendaItemDraft
    ) async throws -> Meeting {
        try await pool.withTransaction { connection in
            let meeting = try Self.lock(meetingID, on: connection)
            try Self.requireOpen(meeting)
            let current = try Self.item(id, in: meetingID, on: connection)
            let draft = try change(current)
            try draft.validate()
            try connection.query(
                Query(
                    "agenda.update",
                    """
                    UPDATE agenda_items SET presenter_organization_id = \(draft.presenterID), allotted_minutes = \(draft.allottedMinutes),
                           status = \(draft.status), minutes = \(draft.minutes), topic = \(draft.topic), updated_at = now()
                    WHERE id = \(id)
                    """))
            if let position {
                let target = min(max(position, 1), try meeting.agendaCount(on: connection))
                try connection.query(
                    Query(
                        "agenda.move",
                        """
                        UPDATE agenda_items SET position = CASE
                            WHEN id = \(id) THEN \(target)
                            WHEN \(target) < \(current.position) AND position >= \(target) AND position < \(current.position) THEN position + 1
                            WHEN \(target) > \(current.position) AND position > \(current.position) AND position <= \(target) THEN position - 1
                            ELSE position END
                        WHERE meeting_id = \(meetingID)
                        """))
            }
            try Self.touch(meetingID, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingAgendaUpdate, entityType: .agendaItem, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: Self.item(id, on: connection)))
            try Self.announce(.agendaChanged, meeting, item: try Self.item(id, on: connection), change: "updated", actor, on: connection)
            return try Self.require(meetingID, .all, on: connection)
        }
    }

    func deleteItem(_ meetingID: Int, item id: Int, by actor: AuditActor) async throws {
        try await pool.withTransaction { connection in
            let meeting = try Self.lock(meetingID, on: connection)
            try Self.requireOpen(meeting)
            let current = try Self.item(id, in: meetingID, on: connection)
            if current.decision != nil {
                throw Problem.unprocessable(
                    "item", Reason("an item with a recorded decision stays on the record", ja: "決定を記録した議題は記録に残ります（削除できません）"))
            }
            try connection.query(Query("agenda.delete", "DELETE FROM agenda_items WHERE id = \(id)"))
            try connection.query(
                Query(
                    "agenda.closeGap",
                    """
                    UPDATE agenda_items SET position = position - 1 WHERE meeting_id = \(meetingID) AND position > \(current.position)
                    """))
            try Self.touch(meetingID, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingAgendaDelete, entityType: .agendaItem, entityID: id,
                before: try JSONValue.fields(of: current), after: nil)
            try Self.announce(.agendaChanged, meeting, item: current, change: "removed", actor, on: connection)
        }
    }

    /// Proposes, at the end of the agenda, every issue `on_agenda` and every unresolved critical
    /// issue not on it yet; the secretariat confirms them one by one.
    func propose(_ meetingID: Int, by actor: AuditActor) async throws -> [AgendaItem] {
        try await pool.withTransaction { connection in
            let meeting = try Self.lock(meetingID, on: connection)
            guard meeting.state == .planned else {
                throw Problem.unprocessable(
                    "meeting",
                    Reason(
                        "items are proposed for a planned meeting; this one is \(meeting.state.rawValue)",
                        ja: "議題を提案できるのは予定の会議だけです（この会議は\(meeting.state.rawValue)）"))
            }
            let ids = try connection.query(
                Query(
                    "agenda.propose",
                    """
                    INSERT INTO agenda_items (meeting_id, position, issue_number, presenter_organization_id, status)
                    SELECT \(meetingID), (SELECT coalesce(max(position), 0) FROM agenda_items WHERE meeting_id = \(meetingID))
                               + row_number() OVER (ORDER BY (i.state = 'on_agenda') DESC, i.number),
                           i.number, i.reporter_organization_id, 'proposed'
                    FROM issues i
                    WHERE (i.state = 'on_agenda' OR (i.severity = 'critical' AND i.state IN \(SQL.list(IssueState.allCases.filter { $0.isOpen && $0 != .onAgenda }))))
                      AND NOT EXISTS (SELECT 1 FROM agenda_items x WHERE x.meeting_id = \(meetingID) AND x.issue_number = i.number)
                    RETURNING id
                    """)
            ).rows.map { try $0.decode("id", as: Int.self) }
            guard !ids.isEmpty else { return [] }
            try Self.touch(meetingID, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingAgendaPropose, entityType: .meeting, entityID: meetingID,
                before: nil, after: ["proposed_items": .array(ids.map { .number(Double($0)) })])
            let items = try ids.map { try Self.item($0, on: connection) }
            // One event per item: each is told only to those who see its issue.
            for item in items { try Self.announce(.agendaChanged, meeting, item: item, change: "proposed", actor, on: connection) }
            return items
        }
    }

    /// Records the decision on an item; with `moveTo`, the linked issue moves in the same
    /// transaction (under the same workflow rules), and its history names the meeting.
    func decide(
        _ meetingID: Int, item id: Int, decision: String, moveTo: IssueState?, answer: String?,
        by principal: Principal, _ actor: AuditActor
    ) async throws -> Meeting {
        let text = JapaneseText.typedTrimmed(decision)
        if text.isEmpty || text.count > 10_000 { throw Problem.invalid("decision", Reason("give 1 to 10000 characters", ja: "1〜10000文字で書いてください")) }
        return try await pool.withTransaction { connection in
            let meeting = try Self.lock(meetingID, on: connection)
            try Self.requireOpen(meeting)
            let current = try Self.item(id, in: meetingID, on: connection)
            if let moveTo {
                guard let number = current.issue?.number else {
                    throw Problem.unprocessable("move_to", Reason("this item is a free topic, not an issue", ja: "この議題は課題ではなく自由議題です"))
                }
                _ = try IssueStore.transition(number, .init(to: moveTo, answer: answer), principal, actor, on: connection)
            } else if answer != nil {
                throw Problem.unprocessable("answer", Reason("an answer is given with move_to resolved", ja: "回答は move_to が resolved のときに書きます"))
            }
            try connection.query(
                Query(
                    "agenda.decide",
                    """
                    UPDATE agenda_items SET decision = \(text), decided_at = now(), decided_by = \(actor.accountID), status = 'confirmed',
                           updated_at = now()
                    WHERE id = \(id)
                    """))
            if let number = current.issue?.number {
                try IssueEvents.record(
                    connection, number, actor, kind: "meeting_decision", field: "meeting",
                    old: nil,
                    new: .object([
                        "meeting": .number(Double(meeting.number)), "title": .string(meeting.title),
                        "decision": .string(text),
                    ]))
            }
            try Self.touch(meetingID, on: connection)
            try AuditStore.record(
                connection, actor, action: .meetingAgendaDecide, entityType: .agendaItem, entityID: id,
                before: try JSONValue.fields(of: current), after: try JSONValue.fields(of: Self.item(id, on: connection)))
            try Self.announce(.decisionRecorded, meeting, item: try Self.item(id, on: connection), change: moveTo?.rawValue, actor, on: connection)
            return try Self.require(meetingID, .all, on: connection)
        }
    }

    /// The outbox event of a change to a meeting or one of its items. An item about an issue is
    /// told only to those who see the issue; its position is left out (it counts items others may not see).
    private static func announce(
        _ kind: EventKind, _ meeting: Meeting, item: AgendaItem?, change: String?, _ actor: AuditActor, on connection: Connection
    ) throws {
        var data: [String: JSONValue] = [
            "meeting": .object([
                "id": .number(Double(meeting.id)), "number": .number(Double(meeting.number)), "title": .string(meeting.title),
                "held_on": .string(meeting.heldOn.description), "state": .string(meeting.state.rawValue),
            ])
        ]
        if let item {
            var fields: [String: JSONValue] = [
                "id": .number(Double(item.id)), "subject": .string(item.subject), "status": .string(item.status.rawValue),
            ]
            if let number = item.issue?.number { fields["issue_number"] = .number(Double(number)) }
            if let decision = item.decision { fields["decision"] = .string(decision) }
            data["item"] = .object(fields)
        }
        if let change { data[kind == .decisionRecorded ? "move_to" : "change"] = .string(change) }
        try Outbox.record(connection, kind, item?.issue.map { .issue($0.number) } ?? .council, actor, data: data)
    }

    // MARK: Reads

    private static func requireOpen(_ meeting: Meeting) throws {
        if meeting.state == .cancelled {
            throw Problem.unprocessable("meeting", Reason("第\(meeting.number)回 was cancelled", ja: "第\(meeting.number)回は中止されました"))
        }
    }

    private static func checkIssue(_ number: Int?, on connection: Connection) throws {
        guard let number else { return }
        guard try IssueStore.facts(number, on: connection) != nil else { throw Problem.unprocessable("issue_number", Reason.noIssue(number)) }
    }

    private static func touch(_ id: Int, on connection: Connection) throws {
        try connection.query(Query("meetings.touch", "UPDATE meetings SET updated_at = now() WHERE id = \(id)"))
    }

    private static func setAttendees(_ id: Int, _ organizations: [Int], on connection: Connection) throws {
        let known = try connection.query(
            Query(
                "meetings.knownOrganizations",
                """
                SELECT id FROM organizations WHERE id = ANY (\(organizations)::bigint[])
                """)
        ).rows.map { try $0.decode("id", as: Int.self) }
        if let missing = organizations.first(where: { !known.contains($0) }) {
            throw Problem.unprocessable("attendee_ids", Reason.noOrganization(missing))
        }
        try connection.query(
            Query(
                "meetings.setAttendees",
                """
                WITH dropped AS (DELETE FROM meeting_attendees WHERE meeting_id = \(id) AND NOT (organization_id = ANY (\(organizations)::bigint[])))
                INSERT INTO meeting_attendees (meeting_id, organization_id) SELECT \(id), unnest(\(organizations)::bigint[]) ON CONFLICT DO NOTHING
                """))
    }

    private static func lock(_ id: Int, on connection: Connection) throws -> Meeting {
        guard try connection.query(Query("meetings.lock", "SELECT id FROM meetings WHERE id = \(id) FOR UPDATE")).first != nil else {
            throw Problem.notFound(Reason.noMeeting(id))
        }
        return try require(id, .all, on: connection)
    }

    static func require(_ id: Int, _ scope: Policy.IssueScope, on connection: Connection) throws -> Meeting {
        guard let meeting = try fetch(id, scope, on: connection) else { throw Problem.notFound(Reason.noMeeting(id)) }
        return meeting
    }

    static func fetch(_ id: Int, _ scope: Policy.IssueScope, on connection: Connection) throws -> Meeting? {
        guard
            let row = try connection.query(
                Query(
                    "meetings.byID",
                    """
                    SELECT m.id, m.number, m.held_on, m.title, m.state, m.created_at, m.updated_at,
                           coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name) ORDER BY o.id)
                                     FROM meeting_attendees a JOIN organizations o ON o.id = a.organization_id WHERE a.meeting_id = m.id), '[]') AS attendees
                    FROM meetings m WHERE m.id = \(id)
                    """)
            ).first
        else { return nil }
        let items = try connection.query(
            Query(
                "agenda.ofMeeting",
                """
                SELECT \(itemColumns) FROM agenda_items x \(itemJoins)
                WHERE x.meeting_id = \(id) AND (x.issue_number IS NULL OR \(IssueSearch.visibility(scope, alias: "i")))
                ORDER BY x.position
                """)
        ).rows.map(item).enumerated().map { index, item in
            var item = item
            item.position = index + 1
            return item
        }
        return Meeting(
            id: try row.decode("id"), number: try row.decode("number"), heldOn: try row.decode("held_on"),
            title: try row.decode("title"), state: try row.decode("state"),
            attendees: try row.decodeJSON("attendees", as: [OrganizationRef].self), agenda: items,
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"))
    }

    private static func item(_ id: Int, in meetingID: Int, on connection: Connection) throws -> AgendaItem {
        guard
            let row = try connection.query(
                Query(
                    "agenda.byIDInMeeting",
                    """
                    SELECT \(itemColumns) FROM agenda_items x \(itemJoins) WHERE x.id = \(id) AND x.meeting_id = \(meetingID)
                    """)
            ).first
        else { throw Problem.notFound(Reason("no agenda item \(id) in meeting \(meetingID)", ja: "会議\(meetingID)に議題\(id)はありません")) }
        return try item(row)
    }

    private static func item(_ id: Int, on connection: Connection) throws -> AgendaItem {
        try item(try connection.query(Query("agenda.byID", "SELECT \(itemColumns) FROM agenda_items x \(itemJoins) WHERE x.id = \(id)")).single())
    }

    static let itemJoins: SQL = "LEFT JOIN issues i ON i.number = x.issue_number LEFT JOIN organizations p ON p.id = x.presenter_organization_id"
    static let itemColumns: SQL = """
        x.id, x.position, x.issue_number, i.title AS issue_title, i.state AS issue_state, i.severity AS issue_severity, x.topic,
        x.presenter_organization_id, p.name AS presenter_name, x.allotted_minutes, x.status, x.minutes, x.decision, x.decided_at,
        x.confirmed_subject
        """

    static func item(_ row: Row) throws -> AgendaItem {
        let number: Int? = try row.decodeIfPresent("issue_number")
        let presenter: Int? = try row.decodeIfPresent("presenter_organization_id")
        return AgendaItem(
            id: try row.decode("id"), position: try row.decode("position"),
            issue: try number.map {
                AgendaIssue(
                    number: $0, title: try row.decode("issue_title"), state: try row.decode("issue_state"),
                    severity: try row.decode("issue_severity"))
            },
            topic: try row.decodeIfPresent("topic"),
            presenter: try presenter.map { OrganizationRef(id: $0, name: try row.decode("presenter_name")) },
            allottedMinutes: try row.decode("allotted_minutes"), status: try row.decode("status"), minutes: try row.decodeIfPresent("minutes"),
            decision: try row.decodeIfPresent("decision"), decidedAt: try row.decodeIfPresent("decided_at"),
            confirmedSubject: try row.decodeIfPresent("confirmed_subject"))
    }
}

private extension Meeting {
    /// Every item (whatever the reader may see): positions run 1…count.
    func agendaCount(on connection: Connection) throws -> Int {
        try connection.query(Query("agenda.count", "SELECT count(*) AS n FROM agenda_items WHERE meeting_id = \(id)")).single().decode("n")
    }
}
