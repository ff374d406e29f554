import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.StringTokenizer;

public class Main {
    static final long INF = 1L << 60;

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken()), m = Integer.parseInt(st.nextToken());
        ArrayList<ArrayList<int[]>> adj = new ArrayList<>();
        for (int v = 0; v <= n; v++) adj.add(new ArrayList<>());
        for (int i = 0; i < m; i++) {
            st = new StringTokenizer(br.readLine());
            int u = Integer.parseInt(st.nextToken()), v = Integer.parseInt(st.nextToken());
            adj.get(u).add(new int[] {v, Integer.parseInt(st.nextToken())});
        }
        long[] dist = new long[n + 1];
        boolean[] done = new boolean[n + 1];
        Arrays.fill(dist, INF);
        dist[1] = 0;
        for (int it = 0; it < n; it++) {
            int u = -1;
            for (int v = 1; v <= n; v++) {
                if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
            }
            if (dist[u] == INF) break;
            done[u] = true;
            for (int[] e : adj.get(u)) {
                if (dist[u] + e[1] < dist[e[0]]) dist[e[0]] = dist[u] + e[1];
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
