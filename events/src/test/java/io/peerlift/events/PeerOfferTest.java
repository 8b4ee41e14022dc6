package io.peerlift.events;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The one decoder of a holder's have-list, for a discovery answer and for the header of a chunk answer alike. */
class PeerOfferTest {

    @Test
    void aHaveListMadeByHaveOfIsReadBackAsTheSameChunks() {
        BitSet verified = new BitSet();
        verified.set(0);
        verified.set(5);
        verified.set(63);
        String have = PeerOffer.haveOf(verified);

        assertThat(PeerOffer.isHave(have)).isTrue();
        assertThat(PeerOffer.listed(have)).hasValue(verified);
        assertThat(offer(have).listed()).hasValue(verified);
        assertThat(offer(have).complete()).isFalse();
    }

    @Test
    void aCompleteHolderAndOneToAskListNothingAndAreValid() {
        assertThat(PeerOffer.isHave(null)).isTrue();
        assertThat(PeerOffer.isHave(PeerOffer.HAVE_ASK)).isTrue();
        assertThat(offer(null).listed()).isEmpty();
        assertThat(offer(null).complete()).isTrue();
        assertThat(offer(PeerOffer.HAVE_ASK).listed()).isEmpty();
    }

    /** "A" passes a character-class check but is no Base64 (one character holds 6 of a byte's 8 bits). */
    @ParameterizedTest
    @ValueSource(strings = {"A", "AAAAA", "a+b/", "A=A", "", "AA AA", "é"})
    void aMalformedHaveListIsInvalidAndListsNothingInsteadOfThrowing(String have) {
        assertThat(PeerOffer.isHave(have)).isFalse();
        assertThat(PeerOffer.listed(have)).isEmpty();
        assertThat(offer(have).listed()).isEmpty();
    }

    @Test
    void aHaveListLongerThanADatagramAllowsIsInvalid() {
        BitSet many = new BitSet();
        many.set(0, 4000, true);
        many.clear(1); // not complete
        assertThat(PeerOffer.haveOf(many)).as("too large for a datagram: ask /have").isEqualTo(PeerOffer.HAVE_ASK);
        String inline = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(many.toByteArray());
        assertThat(inline.length()).isGreaterThan(PeerOffer.MAX_HAVE_CHARS);
        assertThat(PeerOffer.isHave(inline)).isFalse();
    }

    private static PeerOffer offer(String have) {
        return new PeerOffer("p1", "10.0.0.2", 22335, "base-system", "12.7.4", "a".repeat(64), 0, 1, 0, have);
    }
}
