#include <iostream>
#include <vector>
using namespace std;

int main() {
    int q;
    cin >> q;
    while (q--) {
        int x;
        cin >> x;
        vector<bool> composite(x + 1, false);
        int count = 0;
        for (long long i = 2; i <= x; ++i) {
            if (composite[i]) continue;
            ++count;
            for (long long j = i * i; j <= x; j += i) composite[j] = true;
        }
        cout << count << '\n';
    }
    return 0;
}
