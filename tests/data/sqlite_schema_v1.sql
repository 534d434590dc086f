BEGIN TRANSACTION;
CREATE TABLE talentpool_attachments (
	account VARCHAR(64) NOT NULL, 
	id VARCHAR(255) NOT NULL, 
	candidate_id VARCHAR(255) NOT NULL, 
	uploaded_at BIGINT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, id)
);
CREATE TABLE talentpool_candidate_fields (
	account VARCHAR(64) NOT NULL, 
	candidate_id VARCHAR(255) NOT NULL, 
	name TEXT NOT NULL, 
	value_key TEXT NOT NULL, 
	PRIMARY KEY (account, candidate_id, name)
);
CREATE TABLE talentpool_candidate_languages (
	account VARCHAR(64) NOT NULL, 
	candidate_id VARCHAR(255) NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	PRIMARY KEY (account, candidate_id, code)
);
CREATE TABLE talentpool_candidate_tags (
	account VARCHAR(64) NOT NULL, 
	candidate_id VARCHAR(255) NOT NULL, 
	"key" TEXT NOT NULL, 
	PRIMARY KEY (account, candidate_id, "key")
);
INSERT INTO "talentpool_candidate_tags" VALUES('acme','eva','brno');
CREATE TABLE talentpool_candidates (
	account VARCHAR(64) NOT NULL, 
	id VARCHAR(255) NOT NULL, 
	created_at BIGINT NOT NULL, 
	family_key TEXT NOT NULL, 
	given_key TEXT NOT NULL, 
	city_key TEXT, 
	latitude FLOAT, 
	longitude FLOAT, 
	profile_language VARCHAR(64), 
	consent_given BOOLEAN NOT NULL, 
	consent_expires_at BIGINT, 
	consent_withdrawn_at BIGINT, 
	words TEXT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, id)
);
INSERT INTO "talentpool_candidates" VALUES('acme','eva',1788426000000000,'novakova','eva','brno',49.21,16.63,NULL,0,NULL,NULL,'brno eva novakova pokladni zilina','{"city": "Brno", "consent": null, "created_at": "2026-09-03T09:00:00+00:00", "email": null, "family_name": "Nováková", "fields": [], "given_name": "Eva", "id": "eva", "languages": [], "profile_language": null, "residence": {"latitude": 49.21, "longitude": 16.63}, "tags": [{"key": "brno", "label": "Brno"}], "text": "pokladní, Žilina"}');
INSERT INTO "talentpool_candidates" VALUES('acme','petr',1789290000000000,'dvorak','petr','brno',49.2,16.58,NULL,0,NULL,NULL,'brno dvorak petr sklad','{"city": "Brno", "consent": null, "created_at": "2026-09-13T09:00:00+00:00", "email": null, "family_name": "Dvořák", "fields": [], "given_name": "Petr", "id": "petr", "languages": [], "profile_language": null, "residence": {"latitude": 49.2, "longitude": 16.58}, "tags": [], "text": "sklad"}');
CREATE TABLE talentpool_counters (
	account VARCHAR(64) NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	value INTEGER NOT NULL, 
	PRIMARY KEY (account, name)
);
CREATE TABLE talentpool_events (
	account VARCHAR(64) NOT NULL, 
	seq BIGINT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, seq)
);
CREATE TABLE talentpool_meta (
	"key" VARCHAR(64) NOT NULL, 
	value VARCHAR(255) NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "talentpool_meta" VALUES('schema_version','1');
CREATE TABLE talentpool_notification_settings (
	account VARCHAR(64) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, "key")
);
CREATE TABLE talentpool_notifications (
	account VARCHAR(64) NOT NULL, 
	id VARCHAR(255) NOT NULL, 
	user_id VARCHAR(255) NOT NULL, 
	created_at BIGINT NOT NULL, 
	seq BIGINT NOT NULL, 
	user_seq BIGINT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, id)
);
CREATE TABLE talentpool_quick_filters (
	account VARCHAR(64) NOT NULL, 
	id VARCHAR(255) NOT NULL, 
	name_key TEXT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, id)
);
CREATE TABLE talentpool_repooling_rules (
	account VARCHAR(64) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, "key")
);
CREATE TABLE talentpool_requisition_shares (
	account VARCHAR(64) NOT NULL, 
	requisition_id VARCHAR(255) NOT NULL, 
	user_id VARCHAR(255) NOT NULL, 
	PRIMARY KEY (account, requisition_id, user_id)
);
CREATE TABLE talentpool_requisitions (
	account VARCHAR(64) NOT NULL, 
	id VARCHAR(255) NOT NULL, 
	owner_id VARCHAR(255), 
	organization VARCHAR(255), 
	location VARCHAR(255), 
	job_field VARCHAR(255), 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, id)
);
INSERT INTO "talentpool_requisitions" VALUES('acme','r-old',NULL,NULL,NULL,NULL,'{"autopool": null, "created_at": "2026-08-04T09:00:00+00:00", "id": "r-old", "job_field": null, "language": null, "location": null, "organization": null, "owner_id": null, "pool_exclusions": [], "primary_location": {"latitude": 49.1951, "longitude": 16.6068}, "shared_with": [], "template_id": null, "title": "Cashier, Brno", "workflow": {"comment_required": false, "motive_required": false, "rejection_motives": ["Not qualified", "Not available", "Other"], "steps": ["New", "Screening", "Interview", "Offer"]}}');
INSERT INTO "talentpool_requisitions" VALUES('acme','r-new',NULL,NULL,NULL,NULL,'{"autopool": null, "created_at": "2026-10-23T09:00:00+00:00", "id": "r-new", "job_field": null, "language": null, "location": null, "organization": null, "owner_id": null, "pool_exclusions": [], "primary_location": {"latitude": 49.5938, "longitude": 17.2509}, "shared_with": [], "template_id": null, "title": "Cashier, Olomouc", "workflow": {"comment_required": false, "motive_required": false, "rejection_motives": ["Not qualified", "Not available", "Other"], "steps": ["New", "Screening", "Interview", "Offer"]}}');
CREATE TABLE talentpool_settings (
	account VARCHAR(64) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, "key")
);
CREATE TABLE talentpool_structures (
	account VARCHAR(64) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, "key")
);
CREATE TABLE talentpool_submission_shares (
	account VARCHAR(64) NOT NULL, 
	submission_id VARCHAR(255) NOT NULL, 
	user_id VARCHAR(255) NOT NULL, 
	PRIMARY KEY (account, submission_id, user_id)
);
CREATE TABLE talentpool_submissions (
	account VARCHAR(64) NOT NULL, 
	id VARCHAR(255) NOT NULL, 
	candidate_id VARCHAR(255) NOT NULL, 
	requisition_id VARCHAR(255) NOT NULL, 
	submitted_at BIGINT NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	status_changed_at BIGINT NOT NULL, 
	last_activity_at BIGINT NOT NULL, 
	expires_at BIGINT, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, id), 
	CONSTRAINT talentpool_one_per_pair UNIQUE (account, candidate_id, requisition_id)
);
INSERT INTO "talentpool_submissions" VALUES('acme','s-1','eva','r-old',1790154000000000,'new',1790154000000000,1790154000000000,NULL,'{"candidate_id": "eva", "expires_at": null, "id": "s-1", "last_activity_at": "2026-09-23T09:00:00+00:00", "rejection": null, "requisition_id": "r-old", "shared_with": [], "status": "new", "status_changed_at": "2026-09-23T09:00:00+00:00", "step": null, "submitted_at": "2026-09-23T09:00:00+00:00"}');
INSERT INTO "talentpool_submissions" VALUES('acme','s-2','petr','r-old',1789722000000000,'hired',1793178000000000,1793178000000000,NULL,'{"candidate_id": "petr", "expires_at": null, "id": "s-2", "last_activity_at": "2026-10-28T09:00:00+00:00", "rejection": null, "requisition_id": "r-old", "shared_with": [], "status": "hired", "status_changed_at": "2026-10-28T09:00:00+00:00", "step": null, "submitted_at": "2026-09-18T09:00:00+00:00"}');
CREATE TABLE talentpool_subscriptions (
	account VARCHAR(64) NOT NULL, 
	user_id VARCHAR(255) NOT NULL, 
	tag_key TEXT NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, user_id, tag_key)
);
CREATE TABLE talentpool_templates (
	account VARCHAR(64) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, "key")
);
CREATE TABLE talentpool_users (
	account VARCHAR(64) NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	doc TEXT NOT NULL, 
	PRIMARY KEY (account, "key")
);
CREATE INDEX talentpool_candidates_created ON talentpool_candidates (account, created_at);
CREATE INDEX talentpool_candidates_place ON talentpool_candidates (account, latitude, longitude);
CREATE INDEX talentpool_candidate_tags_key ON talentpool_candidate_tags (account, "key", candidate_id);
CREATE INDEX talentpool_candidate_languages_code ON talentpool_candidate_languages (account, code, candidate_id);
CREATE INDEX talentpool_candidate_fields_value ON talentpool_candidate_fields (account, name, value_key);
CREATE INDEX talentpool_requisitions_owner ON talentpool_requisitions (account, owner_id);
CREATE INDEX talentpool_requisition_shares_user ON talentpool_requisition_shares (account, user_id);
CREATE INDEX talentpool_submissions_idle ON talentpool_submissions (account, status, last_activity_at);
CREATE INDEX talentpool_submissions_requisition ON talentpool_submissions (account, requisition_id);
CREATE INDEX talentpool_submission_shares_user ON talentpool_submission_shares (account, user_id);
CREATE INDEX talentpool_attachments_candidate ON talentpool_attachments (account, candidate_id);
CREATE INDEX talentpool_subscriptions_tag ON talentpool_subscriptions (account, tag_key);
CREATE INDEX talentpool_notifications_user ON talentpool_notifications (account, user_id, created_at);
COMMIT;
