import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int m = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        String res = "";
        for (int i = 0; i < m; i++) {
            String w = st.nextToken();
            if (i > 0) res = " " + res;
            // prepend the word one character at a time, last character first
            for (int c = w.length() - 1; c >= 0; c--) res = w.charAt(c) + res;
        }
        System.out.println(res);
    }
}
