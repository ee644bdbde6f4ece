package io.isthmus.protocol.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.v1.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OipDatatypeTest {
  @ParameterizedTest
  @EnumSource(OipDatatype.class)
  void mapsOneToOneOntoTheProtobufEnum(OipDatatype datatype) throws Exception {
    assertThat(datatype.toProto().name()).isEqualTo(datatype.wireName());
    assertThat(OipDatatype.fromProto(datatype.toProto())).isEqualTo(datatype);
    assertThat(OipDatatype.fromWireName(datatype.wireName())).isEqualTo(datatype);
  }

  @Test
  void unspecifiedHasNoElementType() {
    assertThatThrownBy(() -> OipDatatype.fromProto(DataType.DATA_TYPE_UNSPECIFIED))
        .hasMessage("UNKNOWN_DATATYPE: dtype DATA_TYPE_UNSPECIFIED has no element type");
    assertThat(DataType.values())
        .hasSize(OipDatatype.values().length + 2); // + UNSPECIFIED, UNRECOGNIZED
  }
}
