import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(br.readLine());
        int r = Integer.parseInt(st.nextToken()), c = Integer.parseInt(st.nextToken());
        int[][] a = new int[r][c];
        for (int i = 0; i < r; i++) {
            st = new StringTokenizer(br.readLine());
            for (int j = 0; j < c; j++) a[i][j] = Integer.parseInt(st.nextToken());
        }
        long best = Long.MIN_VALUE;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                // collect the cells of the cross: row i without (i, j), then column j
                int[] cross = new int[r + c - 1];
                int n = 0;
                for (int k = 0; k < c; k++) {
                    if (k != j) cross[n++] = a[i][k];
                }
                for (int k = 0; k < r; k++) cross[n++] = a[k][j];
                long s = 0;
                for (int x : cross) s += x;
                best = Math.max(best, s);
            }
        }
        System.out.println(best);
    }
}
