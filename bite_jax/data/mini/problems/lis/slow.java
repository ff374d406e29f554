import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = Integer.parseInt(st.nextToken());
        // dp[i]: longest increasing subsequence ending at i; up[i]: starting at i
        int[] dp = new int[n];
        for (int i = 0; i < n; i++) {
            dp[i] = 1;
            for (int j = 0; j < i; j++) {
                if (a[j] < a[i] && dp[j] + 1 > dp[i]) dp[i] = dp[j] + 1;
            }
        }
        int[] up = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            up[i] = 1;
            for (int j = i + 1; j < n; j++) {
                if (a[j] > a[i] && up[j] + 1 > up[i]) up[i] = up[j] + 1;
            }
        }
        // the best subsequence passes through some i
        int best = 0;
        for (int i = 0; i < n; i++) best = Math.max(best, dp[i] + up[i] - 1);
        System.out.println(best);
    }
}
