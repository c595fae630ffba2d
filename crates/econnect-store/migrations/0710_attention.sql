-- The overview of what needs attention counts, per organisation, failed and rejected
-- documents of a recent period and received invoices without an answer. These partial
-- indexes hold only those rows, so each count is a seek into a small index, also with a
-- million documents; the full indexes would visit every recent row of an organisation.
CREATE INDEX documents_failed ON documents(party_id, created_at) WHERE status = 'Failed';
CREATE INDEX documents_rejected ON documents(party_id, created_at) WHERE status = 'Rejected';
CREATE INDEX received_invoices_unanswered ON received_invoices(party_id, state, received_on)
    WHERE response IS NULL AND deleted_at IS NULL;
