import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.PriorityQueue;

public class Main {
    static final long INF = 1L << 60;
    // Minimal buffered reader of non-negative integers from a raw byte stream.
    static final DataInputStream in = new DataInputStream(System.in);
    static final byte[] buf = new byte[1 << 16];
    static int len = 0, pos = 0;

    static int read() throws IOException {
        if (pos == len) {
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) return -1;
        }
        return buf[pos++];
    }

    static int nextInt() throws IOException {
        int c = read();
        while (c < '0' || c > '9') c = read();
        int v = 0;
        while (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            c = read();
        }
        return v;
    }

    public static void main(String[] args) throws IOException {
        int n = nextInt(), m = nextInt();
        int[] eu = new int[m], ev = new int[m], ew = new int[m];
        // compressed adjacency: roads leaving u are to[start[u] .. start[u + 1])
        int[] start = new int[n + 2];
        for (int i = 0; i < m; i++) {
            eu[i] = nextInt();
            ev[i] = nextInt();
            ew[i] = nextInt();
            start[eu[i] + 1]++;
        }
        for (int v = 1; v <= n + 1; v++) start[v] += start[v - 1];
        int[] fill = Arrays.copyOf(start, n + 1), to = new int[m], w = new int[m];
        for (int i = 0; i < m; i++) {
            to[fill[eu[i]]] = ev[i];
            w[fill[eu[i]]++] = ew[i];
        }
        long[] dist = new long[n + 1];
        Arrays.fill(dist, INF);
        dist[1] = 0;
        // heap keys pack (distance, junction) into one long: distance * 2^20 + junction
        PriorityQueue<Long> pq = new PriorityQueue<>();
        pq.add(1L);
        while (!pq.isEmpty()) {
            long key = pq.poll();
            long d = key >>> 20;
            int u = (int) (key & ((1 << 20) - 1));
            if (d > dist[u]) continue; // stale entry
            for (int e = start[u]; e < start[u + 1]; e++) {
                if (d + w[e] < dist[to[e]]) {
                    dist[to[e]] = d + w[e];
                    pq.add((dist[to[e]] << 20) | to[e]);
                }
            }
        }
        long reach = 0, total = 0;
        for (int v = 1; v <= n; v++) {
            if (dist[v] < INF) {
                reach++;
                total += dist[v];
            }
        }
        System.out.println(reach + " " + total);
    }
}
