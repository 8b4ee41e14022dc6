package io.peerlift.events;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every edge of the Range header that a payload response has to decide, on a payload of 1000 bytes. */
class ByteRangeTest {

    private static final long SIZE = 1000;

    @ParameterizedTest(name = "{0} -> {1}-{2}")
    @CsvSource(delimiter = ';', value = {
            "bytes=0-99; 0; 99",
            "bytes=0-0; 0; 0",
            "bytes=999-999; 999; 999",
            "bytes=500-; 500; 999",
            "bytes=900-5000; 900; 999",
            "bytes=0-999999999999999999; 0; 999",
            "bytes=-1; 999; 999",
            "bytes=-100; 900; 999",
            "bytes=-1000; 0; 999",
            "bytes=-5000; 0; 999",
            "Bytes=10-19; 10; 19",
            "bytes= 10-19 ; 10; 19",
            "bytes=10-19,; 10; 19",
            "bytes=007-008; 7; 8",
    })
    void aSingleSatisfiableRangeIsServedAs206(String header, long start, long end) {
        assertThat(ByteRange.select(header, SIZE)).hasValueSatisfying(range -> {
            assertThat(range.partial()).isTrue();
            assertThat(range.start()).isEqualTo(start);
            assertThat(range.end()).isEqualTo(end);
            assertThat(range.length()).isEqualTo(end - start + 1);
            assertThat(range.contentRange()).isEqualTo("bytes " + start + "-" + end + "/" + SIZE);
        });
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "bytes=1000-",
            "bytes=1000-1000",
            "bytes=5000-6000",
            "bytes=-0",
            "bytes=20-10",
            "bytes=0-99999999999999999999",
            "bytes=99999999999999999999-",
            "bytes=-99999999999999999999",
            "bytes=0-1,5-6",
            "bytes=0-1, 0-1",
            "bytes=-",
            "bytes=",
            "bytes=abc",
            "bytes=5",
            "bytes=+5-6",
            "bytes=5--6",
            "bytes=0x10-20",
            "bytes=1 - 2",
            "bytes=١-٢",
    })
    void everythingElseInTheBytesUnitIs416(String header) {
        assertThat(ByteRange.select(header, SIZE)).isEmpty();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "  ", "items=0-5", "0-5", "bytesx=0-5"})
    void noHeaderOrAnUnknownUnitMeansTheWholePayload(String header) {
        assertThat(ByteRange.select(header, SIZE)).hasValue(new ByteRange(0, SIZE - 1, SIZE, false));
        assertThat(ByteRange.select(null, SIZE)).hasValue(new ByteRange(0, SIZE - 1, SIZE, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-0", "bytes=-1", "bytes=0-"})
    void anEmptyPayloadHasNoSatisfiableRangeButIsServedWhole(String header) {
        assertThat(ByteRange.select(header, 0)).isEmpty();
        assertThat(ByteRange.select(null, 0)).hasValueSatisfying(whole -> assertThat(whole.length()).isZero());
        assertThat(ByteRange.unsatisfiable(0)).isEqualTo("bytes */0");
    }
}
