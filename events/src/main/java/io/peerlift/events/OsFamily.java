package io.peerlift.events;

/** The OS generation of a device or profile; profiles apply only to devices of their own family. */
public enum OsFamily {
    OS11,
    OS12;

    /** OS 11 and older (before the migration) are OS11; 12 and newer are OS12. */
    public static OsFamily ofMajor(int major) {
        return major >= 12 ? OS12 : OS11;
    }
}
