-- The release signature each upload was accepted with (ReleaseSignature's header form), served beside the manifest.
-- Packages stored before uploads had to be signed keep none.
alter table app_package add column release_signature text;
