import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = Integer.parseInt(st.nextToken());
        // equal values become neighbours after sorting
        Arrays.sort(a);
        int d = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            if (a[i] != a[i - 1]) d++;
        }
        System.out.println(d);
    }
}
