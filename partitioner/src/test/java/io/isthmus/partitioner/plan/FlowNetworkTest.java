package io.isthmus.partitioner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class FlowNetworkTest {
  @Test
  void maxFlowOfTheTextbookNetwork() {
    // Cormen et al., figure 26.1: maximum flow 23; minimum cut {s, v1, v2, v4} | {v3, t}.
    FlowNetwork net = new FlowNetwork(6);
    int s = 0;
    int v1 = 1;
    int v2 = 2;
    int v3 = 3;
    int v4 = 4;
    int t = 5;
    net.addEdge(s, v1, 16);
    net.addEdge(s, v2, 13);
    net.addEdge(v2, v1, 4);
    net.addEdge(v1, v3, 12);
    net.addEdge(v3, v2, 9);
    net.addEdge(v2, v4, 14);
    net.addEdge(v4, v3, 7);
    net.addEdge(v3, t, 20);
    net.addEdge(v4, t, 4);

    assertThat(net.maxFlow(s, t)).isCloseTo(23, within(1e-12));
    BitSet side = net.sourceSide(s);
    assertThat(side.stream().toArray()).containsExactly(s, v1, v2, v4);
  }

  @Test
  void infiniteEdgesCarryFlowButAreNeverCut() {
    FlowNetwork net = new FlowNetwork(4);
    net.addEdge(0, 1, 2.5);
    net.addEdge(1, 2, Double.POSITIVE_INFINITY);
    net.addEdge(2, 3, 1.5);

    assertThat(net.maxFlow(0, 3)).isCloseTo(1.5, within(1e-12));
    assertThat(net.sourceSide(0).stream().toArray()).containsExactly(0, 1, 2);
  }

  @Test
  void negativeCapacityIsRejected() {
    assertThatThrownBy(() -> new FlowNetwork(2).addEdge(0, 1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
