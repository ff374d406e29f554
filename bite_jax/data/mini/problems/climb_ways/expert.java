import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static final long MOD = 1_000_000_007L;

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken()), k = Integer.parseInt(st.nextToken());
        st = new StringTokenizer(br.readLine());
        int[] steps = new int[k];
        for (int i = 0; i < k; i++) steps[i] = Integer.parseInt(st.nextToken());
        // ways[m] depends only on smaller m: fill the table bottom-up
        long[] ways = new long[n + 1];
        ways[0] = 1;
        for (int m = 1; m <= n; m++) {
            for (int s : steps) {
                if (s <= m) ways[m] = (ways[m] + ways[m - s]) % MOD;
            }
        }
        System.out.println(ways[n]);
    }
}
