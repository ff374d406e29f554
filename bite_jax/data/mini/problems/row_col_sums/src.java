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
                long s = -a[i][j];
                for (int k = 0; k < c; k++) s += a[i][k];
                for (int k = 0; k < r; k++) s += a[k][j];
                best = Math.max(best, s);
            }
        }
        System.out.println(best);
    }
}
