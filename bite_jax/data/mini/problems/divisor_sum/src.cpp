#include <iostream>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int i = 1; i <= n; ++i) {
        int cnt = 0;
        for (int j = 1; j * j <= i; ++j) {
            if (i % j == 0) cnt += (j * j == i) ? 1 : 2;
        }
        total += cnt;
    }
    cout << total << endl;
    return 0;
}
